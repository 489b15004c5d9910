#!/bin/sh
# The smallest real end-to-end path of the bank, until the full demo (figurant demo) lands:
# create a bank, add performers and a production, draft/sign/revoke licences, check uses.
set -eu
FIGURANT=${1:-build/apps/figurant/figurant}
DIR=${2:-demo-out}
rm -rf "$DIR"
mkdir -p "$DIR"
BANK="$DIR/bank"
f() { "$FIGURANT" --bank "$BANK" "$@"; }
id() { f --json "$@" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p'; }

f init
STUDIO=$(id studio add --name "Lumière Pictures")
PRD=$(id production add --studio "$STUDIO" --title "Le Grand Match" --media streaming,theatrical \
      --territories FR,BE,CH --content violence)
AMINA=$(id performer add --name "Amina Diallo" --language fr)
JOE=$(id performer add --name "Joe Okafor" --language en)

cat > "$DIR/terms-amina.json" <<JSON
{"productions": ["$PRD"], "uses": ["background"], "media": ["streaming", "theatrical"],
 "territories": ["worldwide"], "valid_from": "2026-01-01", "valid_until": "2027-12-31",
 "max_screen_height_fraction": 0.2, "excluded_content": ["nudity", "political"],
 "compensation": {"currency": "EUR", "scan_fee": 180.0, "per_production_fee": 180.0},
 "revocable": true, "revocation_notice_days": 30}
JSON
cat > "$DIR/terms-joe.json" <<JSON
{"productions": "any", "uses": ["background"], "media": ["streaming", "theatrical"],
 "territories": ["worldwide"], "valid_from": "2026-01-01", "valid_until": null,
 "max_screen_height_fraction": 0.3, "excluded_content": ["violence"],
 "compensation": {"currency": "EUR", "scan_fee": 150.0, "per_screen_second": 0.5},
 "revocable": true, "revocation_notice_days": 7}
JSON

echo "== Amina's disclosure (French)"
LA=$(id licence draft --performer "$AMINA" --studio "$STUDIO" --terms "$DIR/terms-amina.json")
f licence show "$LA" --disclosure | sed -n '/^----$/,$p' | tail -n +2
f licence sign "$LA" --performer "$AMINA" --represented-by union
LJ=$(id licence draft --performer "$JOE" --studio "$STUDIO" --terms "$DIR/terms-joe.json")
f licence sign "$LJ" --performer "$JOE"

echo "== Licences"
f licence list
echo "== May they appear in \"Le Grand Match\"?"
f check --performer "$AMINA" --production "$PRD" || true
f check --performer "$JOE" --production "$PRD" || true
echo "== Amina revokes her licence"
f licence revoke "$LA"
f performer show "$AMINA"
echo "bank: $BANK"
