#include "registry/migrations.h"

namespace figurant::registry {

namespace {

// Version 1: performers, estates, studios, productions, doubles (placeholder), licences, consent
// records and licence events. Timestamps are Unix seconds (INTEGER), dates are 'YYYY-MM-DD' text,
// lists are JSON arrays of strings.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE performers (
  id           TEXT PRIMARY KEY CHECK (id LIKE 'per\_%' ESCAPE '\'),
  name         TEXT NOT NULL CHECK (length(name) > 0),
  email        TEXT,
  language     TEXT NOT NULL CHECK (language IN ('en', 'fr')),
  public_key   BLOB NOT NULL CHECK (length(public_key) = 32),
  synthetic    INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
  deceased_on  TEXT,
  erased_at    INTEGER,
  created_at   INTEGER NOT NULL
);

CREATE TABLE estates (
  id            TEXT PRIMARY KEY CHECK (id LIKE 'est\_%' ESCAPE '\'),
  performer_id  TEXT NOT NULL UNIQUE REFERENCES performers(id),
  name          TEXT NOT NULL CHECK (length(name) > 0),
  public_key    BLOB NOT NULL CHECK (length(public_key) = 32),
  created_at    INTEGER NOT NULL
);

CREATE TABLE studios (
  id          TEXT PRIMARY KEY CHECK (id LIKE 'stu\_%' ESCAPE '\'),
  name        TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
  created_at  INTEGER NOT NULL
);

CREATE TABLE productions (
  id           TEXT PRIMARY KEY CHECK (id LIKE 'prd\_%' ESCAPE '\'),
  studio_id    TEXT NOT NULL REFERENCES studios(id),
  title        TEXT NOT NULL CHECK (length(title) > 0),
  media        TEXT NOT NULL CHECK (json_valid(media) AND json_type(media) = 'array'),
  territories  TEXT NOT NULL CHECK (json_valid(territories) AND json_type(territories) = 'array'),
  content      TEXT NOT NULL CHECK (json_valid(content) AND json_type(content) = 'array'),
  created_at   INTEGER NOT NULL
);
CREATE INDEX productions_by_studio ON productions(studio_id);

CREATE TABLE doubles (
  id            TEXT PRIMARY KEY CHECK (id LIKE 'dbl\_%' ESCAPE '\'),
  performer_id  TEXT NOT NULL REFERENCES performers(id),
  name          TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('placeholder', 'ready', 'erased')),
  created_at    INTEGER NOT NULL
);
CREATE INDEX doubles_by_performer ON doubles(performer_id);

CREATE TABLE licences (
  id            TEXT PRIMARY KEY CHECK (id LIKE 'lic\_%' ESCAPE '\'),
  performer_id  TEXT NOT NULL REFERENCES performers(id),
  studio_id     TEXT NOT NULL REFERENCES studios(id),
  terms_json    TEXT NOT NULL CHECK (json_valid(terms_json)),
  language      TEXT NOT NULL CHECK (language IN ('en', 'fr')),
  disclosure    TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('draft', 'active', 'revoked', 'erased')),
  valid_from    TEXT NOT NULL,
  valid_until   TEXT,
  blanket       INTEGER NOT NULL CHECK (blanket IN (0, 1)),
  created_at    INTEGER NOT NULL,
  signed_at     INTEGER,
  revoked_at    INTEGER,
  revoked_from  TEXT,
  -- A signed (or once-signed) licence has its signing time; a revoked one its effective date.
  CHECK (state = 'draft' OR state = 'erased' OR signed_at IS NOT NULL),
  CHECK (state <> 'revoked' OR (revoked_at IS NOT NULL AND revoked_from IS NOT NULL))
);
CREATE INDEX licences_by_performer ON licences(performer_id);
CREATE INDEX licences_by_studio ON licences(studio_id);

CREATE TABLE consents (
  licence_id         TEXT PRIMARY KEY REFERENCES licences(id),
  disclosure_text    TEXT NOT NULL,
  disclosure_sha256  TEXT NOT NULL CHECK (length(disclosure_sha256) = 64),
  terms_sha256       TEXT NOT NULL CHECK (length(terms_sha256) = 64),
  language           TEXT NOT NULL CHECK (language IN ('en', 'fr')),
  signed_at          INTEGER NOT NULL,
  signer             TEXT NOT NULL CHECK (signer IN ('performer', 'estate')),
  signer_id          TEXT NOT NULL,
  public_key         BLOB NOT NULL CHECK (length(public_key) = 32),
  signature          BLOB NOT NULL CHECK (length(signature) = 64),
  representation     TEXT NOT NULL CHECK (representation IN ('union', 'counsel', 'none'))
);

CREATE TABLE licence_events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  licence_id   TEXT NOT NULL REFERENCES licences(id),
  kind         TEXT NOT NULL CHECK (kind IN ('drafted', 'signed', 'revoked', 'erased')),
  at           INTEGER NOT NULL,
  detail_json  TEXT NOT NULL CHECK (json_valid(detail_json))
);
CREATE INDEX licence_events_by_licence ON licence_events(licence_id);

-- Consent records and events are append-only: the database refuses to rewrite them.
CREATE TRIGGER consents_immutable BEFORE UPDATE ON consents
BEGIN SELECT RAISE(ABORT, 'consent records are immutable'); END;
CREATE TRIGGER licence_events_append_only_u BEFORE UPDATE ON licence_events
BEGIN SELECT RAISE(ABORT, 'licence events are append-only'); END;
CREATE TRIGGER licence_events_append_only_d BEFORE DELETE ON licence_events
BEGIN SELECT RAISE(ABORT, 'licence events are append-only'); END;
-- Terms never change once a licence exists: new terms need a new licence and a new signature.
CREATE TRIGGER licence_terms_immutable BEFORE UPDATE OF terms_json, disclosure, performer_id,
  studio_id, language ON licences
BEGIN SELECT RAISE(ABORT, 'licence terms are immutable; draft a new licence'); END;
)sql";

// Version 2: what scan ingest knows about a double. Geometry itself is an encrypted blob in the
// store (docs/store.md); the registry keeps only measurements and the blob's address, all cleared
// when the performer is erased.
constexpr std::string_view kV2 = R"sql(
ALTER TABLE doubles ADD COLUMN source_kind TEXT NOT NULL DEFAULT 'placeholder'
  CHECK (source_kind IN ('placeholder', 'scan', 'makehuman', 'synthetic'));
ALTER TABLE doubles ADD COLUMN source_sha256 TEXT;
ALTER TABLE doubles ADD COLUMN blob_id TEXT;
ALTER TABLE doubles ADD COLUMN height_m REAL;
ALTER TABLE doubles ADD COLUMN footprint_radius_m REAL;
ALTER TABLE doubles ADD COLUMN bounds_json TEXT;
ALTER TABLE doubles ADD COLUMN units TEXT;
ALTER TABLE doubles ADD COLUMN units_guessed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE doubles ADD COLUMN lods_json TEXT;
ALTER TABLE doubles ADD COLUMN rigged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE doubles ADD COLUMN has_wardrobe_regions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE doubles ADD COLUMN look_tags TEXT NOT NULL DEFAULT '[]';
)sql";

// Version 3: decisions read only what was signed (docs/licence.md). A studio registers the public
// half of its own Ed25519 key; a production carries its studio's signature over its declared facts
// and its frame rate. Rows from before stay NULL: such a production cannot be used until its studio
// declares it. The triggers refuse, by mistake, what the bank refuses by design (a changed key,
// a changed declaration, a changed death date); a deliberate edit is caught when read.
constexpr std::string_view kV3 = R"sql(
ALTER TABLE studios ADD COLUMN public_key BLOB
  CHECK (public_key IS NULL OR (typeof(public_key) = 'blob' AND length(public_key) = 32));
ALTER TABLE productions ADD COLUMN fps TEXT;
ALTER TABLE productions ADD COLUMN public_key BLOB
  CHECK (public_key IS NULL OR (typeof(public_key) = 'blob' AND length(public_key) = 32));
ALTER TABLE productions ADD COLUMN signature BLOB
  CHECK (signature IS NULL OR (typeof(signature) = 'blob' AND length(signature) = 64));

CREATE TRIGGER studio_key_immutable BEFORE UPDATE OF public_key ON studios
  WHEN OLD.public_key IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a studio''s registered key never changes'); END;
CREATE TRIGGER production_declaration_immutable BEFORE UPDATE ON productions
  WHEN OLD.signature IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a declared production never changes; declare a new production'); END;
CREATE TRIGGER performer_death_immutable BEFORE UPDATE OF deceased_on ON performers
  WHEN OLD.deceased_on IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a recorded date of death never changes'); END;
)sql";

// Version 4: keys the bank never holds (docs/registry.md, "Enrolled keys"). Performers and estates
// enrol the public half of a key they keep on their own device, with a one-time enrolment code;
// the registry stores only the code's SHA-256. Each enrolled key has a validity period: it starts
// when it is enrolled and ends when it is revoked (a lost key replaced with a representative's
// confirmation). Consent records say which message version was signed and whether the signature was
// made with a key the bank held (custodial: every consent signed before v4). Performers and
// estates added from v4 on have no bank-held key: their `public_key` column holds 32 zero bytes
// (not a valid Ed25519 key), the column being NOT NULL since v1.
constexpr std::string_view kV4 = R"sql(
CREATE TABLE enrolment_codes (
  code_sha256   TEXT PRIMARY KEY CHECK (length(code_sha256) = 64),
  performer_id  TEXT NOT NULL REFERENCES performers(id),
  signer        TEXT NOT NULL CHECK (signer IN ('performer', 'estate')),
  signer_id     TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  used_at       INTEGER,
  CHECK (expires_at > created_at)
);
CREATE INDEX enrolment_codes_by_performer ON enrolment_codes(performer_id);
CREATE TRIGGER enrolment_code_single_use BEFORE UPDATE ON enrolment_codes
  WHEN OLD.used_at IS NOT NULL OR NEW.code_sha256 <> OLD.code_sha256
    OR NEW.performer_id <> OLD.performer_id OR NEW.signer_id <> OLD.signer_id
    OR NEW.expires_at <> OLD.expires_at
BEGIN SELECT RAISE(ABORT, 'an enrolment code is used once and never changes'); END;

CREATE TABLE representatives (
  id          TEXT PRIMARY KEY CHECK (id LIKE 'rep\_%' ESCAPE '\'),
  kind        TEXT NOT NULL CHECK (kind IN ('union', 'counsel')),
  name        TEXT NOT NULL CHECK (length(name) > 0),
  public_key  BLOB NOT NULL CHECK (typeof(public_key) = 'blob' AND length(public_key) = 32),
  created_at  INTEGER NOT NULL
);
CREATE TRIGGER representatives_immutable BEFORE UPDATE ON representatives
BEGIN SELECT RAISE(ABORT, 'a representative''s registration never changes'); END;

CREATE TABLE signer_keys (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  signer          TEXT NOT NULL CHECK (signer IN ('performer', 'estate')),
  signer_id       TEXT NOT NULL,
  performer_id    TEXT NOT NULL REFERENCES performers(id),
  public_key      BLOB NOT NULL CHECK (typeof(public_key) = 'blob' AND length(public_key) = 32),
  how             TEXT NOT NULL CHECK (how IN ('enrolment_code', 'replacement', 'custodial')),
  confirmed_by    TEXT REFERENCES representatives(id),
  code_sha256     TEXT CHECK (code_sha256 IS NULL OR length(code_sha256) = 64),
  confirmation    BLOB CHECK (confirmation IS NULL OR length(confirmation) = 64),
  valid_from      INTEGER NOT NULL,
  revoked_from    INTEGER,
  revoked_reason  TEXT,
  CHECK ((how = 'replacement') = (confirmed_by IS NOT NULL)),
  CHECK ((how = 'replacement') = (confirmation IS NOT NULL AND code_sha256 IS NOT NULL)),
  CHECK ((revoked_from IS NULL) = (revoked_reason IS NULL)),
  CHECK (revoked_from IS NULL OR revoked_from >= valid_from)
);
CREATE INDEX signer_keys_by_signer ON signer_keys(signer, signer_id);
-- One current key per signer; a key is never enrolled twice.
CREATE UNIQUE INDEX signer_keys_one_current ON signer_keys(signer, signer_id)
  WHERE revoked_from IS NULL;
CREATE UNIQUE INDEX signer_keys_unique_key ON signer_keys(public_key);
CREATE TRIGGER signer_keys_revoke_only BEFORE UPDATE ON signer_keys
  WHEN OLD.revoked_from IS NOT NULL OR NEW.seq <> OLD.seq OR NEW.signer <> OLD.signer
    OR NEW.signer_id <> OLD.signer_id OR NEW.public_key <> OLD.public_key
    OR NEW.valid_from <> OLD.valid_from OR NEW.how <> OLD.how
BEGIN SELECT RAISE(ABORT, 'an enrolled key only ever gains the end of its period'); END;
CREATE TRIGGER signer_keys_append_only_d BEFORE DELETE ON signer_keys
BEGIN SELECT RAISE(ABORT, 'enrolled keys are never deleted'); END;

ALTER TABLE consents ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version IN (1, 2));
ALTER TABLE consents ADD COLUMN custodial INTEGER NOT NULL DEFAULT 1 CHECK (custodial IN (0, 1));

-- A custodial consent confirmed again by its signer with their own enrolled key: the licence keeps
-- its terms and disclosure; this signature (over the same hashes) replaces the custodial one.
CREATE TABLE consent_confirmations (
  licence_id         TEXT PRIMARY KEY REFERENCES consents(licence_id),
  signed_at          INTEGER NOT NULL,
  signer             TEXT NOT NULL CHECK (signer IN ('performer', 'estate')),
  signer_id          TEXT NOT NULL,
  public_key         BLOB NOT NULL CHECK (length(public_key) = 32),
  signature          BLOB NOT NULL CHECK (length(signature) = 64),
  representation     TEXT NOT NULL CHECK (representation IN ('union', 'counsel', 'none')),
  version            INTEGER NOT NULL CHECK (version IN (1, 2))
);
CREATE TRIGGER consent_confirmations_immutable BEFORE UPDATE ON consent_confirmations
BEGIN SELECT RAISE(ABORT, 'consent records are immutable'); END;

-- The bank-held private keys of performers and estates were destroyed at this time.
CREATE TABLE custodial_keys_destroyed (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  destroyed_at  INTEGER NOT NULL
);
)sql";

// Version 5 (the HTTP API, docs/api.md; docs/registry.md "Users and sessions"): who may log in
// with which Ed25519 public key as which role, their sessions (by the SHA-256 of the token, never
// the token) and performers' erasure requests, which an operator carries out.
constexpr std::string_view kV5Api = R"sql(
CREATE TABLE users (
  id          TEXT PRIMARY KEY CHECK (id LIKE 'usr\_%' ESCAPE '\'),
  role        TEXT NOT NULL CHECK (role IN ('performer', 'studio', 'union', 'operator')),
  subject_id  TEXT,
  public_key  BLOB NOT NULL CHECK (typeof(public_key) = 'blob' AND length(public_key) = 32),
  created_at  INTEGER NOT NULL,
  CHECK ((role = 'operator') = (subject_id IS NULL))
);

CREATE TABLE api_sessions (
  token_sha256  TEXT PRIMARY KEY CHECK (length(token_sha256) = 64),
  user_id       TEXT NOT NULL REFERENCES users(id),
  csrf_sha256   TEXT NOT NULL CHECK (length(csrf_sha256) = 64),
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL
);
CREATE INDEX api_sessions_by_user ON api_sessions(user_id);

CREATE TABLE erasure_requests (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  performer_id  TEXT NOT NULL REFERENCES performers(id),
  user_id       TEXT NOT NULL REFERENCES users(id),
  requested_at  INTEGER NOT NULL
);
)sql";

// Version 6 (docs/registry.md, "Declined offers (version 6)"): drafts their performer declined.
// The licence row stays a draft (v1's CHECK on `state` cannot gain a value without rebuilding the
// table); this table says it was declined, when, and why in the performer's words, sealed under
// their data key like a disclosure. Append-only: a declined offer is never un-declined.
constexpr std::string_view kV6Declined = R"sql(
CREATE TABLE declined_offers (
  licence_id   TEXT PRIMARY KEY REFERENCES licences(id),
  declined_at  INTEGER NOT NULL,
  reason       TEXT CHECK (reason IS NULL OR length(reason) > 0)
);
CREATE TRIGGER declined_offers_immutable BEFORE UPDATE ON declined_offers
BEGIN SELECT RAISE(ABORT, 'a declined offer stays declined'); END;
CREATE TRIGGER declined_offers_append_only_d BEFORE DELETE ON declined_offers
BEGIN SELECT RAISE(ABORT, 'a declined offer stays declined'); END;
)sql";

// Version 7 (docs/registry.md, "Sign-in codes (version 7)"): one-time codes an operator issues so
// a user can start a portal session without a key file on the device (the demo, a new studio
// member). Only each code's SHA-256 is stored; a code is used at most once.
constexpr std::string_view kV7SignInCodes = R"sql(
CREATE TABLE sign_in_codes (
  code_sha256  TEXT PRIMARY KEY CHECK (length(code_sha256) = 64),
  user_id      TEXT NOT NULL REFERENCES users(id),
  issued_at    INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL CHECK (expires_at > issued_at),
  used_at      INTEGER CHECK (used_at IS NULL OR used_at >= issued_at)
);
CREATE INDEX sign_in_codes_by_user ON sign_in_codes(user_id);
CREATE TRIGGER sign_in_codes_used_once BEFORE UPDATE ON sign_in_codes
WHEN OLD.used_at IS NOT NULL OR NEW.code_sha256 IS NOT OLD.code_sha256
  OR NEW.user_id IS NOT OLD.user_id OR NEW.issued_at IS NOT OLD.issued_at
  OR NEW.expires_at IS NOT OLD.expires_at
BEGIN SELECT RAISE(ABORT, 'a sign-in code is used once and otherwise never changes'); END;
)sql";

// Version 8 (docs/registry.md, "Passkeys (version 8)"): WebAuthn passkeys (docs/passkeys.md).
// A signer key may be a passkey: its public_key column then holds the passkey's fingerprint
// (SHA-256 of its SPKI), so one-current-key and unique-key keep working, and six new columns hold
// the credential, its last accepted sign count and the origin and relying party its assertions
// must state — all set or all NULL; only the sign count ever changes. A consent signed with a
// passkey keeps its assertion in three new columns (all set or all NULL) and, the v1 column being
// NOT NULL, 64 zero bytes in `signature`. Users log in with passkeys of their own.
constexpr std::string_view kV8Passkeys = R"sql(
ALTER TABLE signer_keys ADD COLUMN passkey_credential_id BLOB
  CHECK (passkey_credential_id IS NULL OR (typeof(passkey_credential_id) = 'blob'
         AND length(passkey_credential_id) BETWEEN 16 AND 1023));
ALTER TABLE signer_keys ADD COLUMN passkey_algorithm INTEGER
  CHECK (passkey_algorithm IS NULL OR passkey_algorithm IN (-7, -8));
ALTER TABLE signer_keys ADD COLUMN passkey_spki BLOB
  CHECK (passkey_spki IS NULL OR (typeof(passkey_spki) = 'blob'
         AND length(passkey_spki) BETWEEN 1 AND 1024));
ALTER TABLE signer_keys ADD COLUMN passkey_sign_count INTEGER
  CHECK (passkey_sign_count IS NULL OR (typeof(passkey_sign_count) = 'integer'
         AND passkey_sign_count BETWEEN 0 AND 4294967295));
ALTER TABLE signer_keys ADD COLUMN passkey_origin TEXT
  CHECK (passkey_origin IS NULL OR length(passkey_origin) > 0);
ALTER TABLE signer_keys ADD COLUMN passkey_rp_id TEXT
  CHECK (passkey_rp_id IS NULL OR length(passkey_rp_id) > 0)
  CHECK ((passkey_credential_id IS NULL) = (passkey_algorithm IS NULL)
     AND (passkey_credential_id IS NULL) = (passkey_spki IS NULL)
     AND (passkey_credential_id IS NULL) = (passkey_sign_count IS NULL)
     AND (passkey_credential_id IS NULL) = (passkey_origin IS NULL)
     AND (passkey_credential_id IS NULL) = (passkey_rp_id IS NULL));
CREATE UNIQUE INDEX signer_keys_unique_credential ON signer_keys(passkey_credential_id)
  WHERE passkey_credential_id IS NOT NULL;
CREATE TRIGGER signer_keys_passkey_fixed BEFORE UPDATE ON signer_keys
  WHEN NEW.passkey_credential_id IS NOT OLD.passkey_credential_id
    OR NEW.passkey_algorithm IS NOT OLD.passkey_algorithm
    OR NEW.passkey_spki IS NOT OLD.passkey_spki
    OR NEW.passkey_origin IS NOT OLD.passkey_origin
    OR NEW.passkey_rp_id IS NOT OLD.passkey_rp_id
    OR (NEW.passkey_sign_count IS NULL) <> (OLD.passkey_sign_count IS NULL)
BEGIN SELECT RAISE(ABORT, 'an enrolled passkey only ever changes its sign count'); END;

ALTER TABLE consents ADD COLUMN passkey_authenticator_data BLOB
  CHECK (passkey_authenticator_data IS NULL OR (typeof(passkey_authenticator_data) = 'blob'
         AND length(passkey_authenticator_data) >= 37));
ALTER TABLE consents ADD COLUMN passkey_client_data_json BLOB
  CHECK (passkey_client_data_json IS NULL OR (typeof(passkey_client_data_json) = 'blob'
         AND length(passkey_client_data_json) > 0));
ALTER TABLE consents ADD COLUMN passkey_signature BLOB
  CHECK (passkey_signature IS NULL OR (typeof(passkey_signature) = 'blob'
         AND length(passkey_signature) > 0))
  CHECK ((passkey_authenticator_data IS NULL) = (passkey_client_data_json IS NULL)
     AND (passkey_authenticator_data IS NULL) = (passkey_signature IS NULL))
  CHECK (passkey_signature IS NULL OR signature = zeroblob(64));

CREATE TABLE user_passkeys (
  credential_id  BLOB NOT NULL UNIQUE CHECK (typeof(credential_id) = 'blob'
                   AND length(credential_id) BETWEEN 16 AND 1023),
  user_id        TEXT NOT NULL REFERENCES users(id),
  algorithm      INTEGER NOT NULL CHECK (algorithm IN (-7, -8)),
  spki           BLOB NOT NULL CHECK (typeof(spki) = 'blob' AND length(spki) BETWEEN 1 AND 1024),
  sign_count     INTEGER NOT NULL CHECK (typeof(sign_count) = 'integer'
                   AND sign_count BETWEEN 0 AND 4294967295),
  created_at     INTEGER NOT NULL
);
CREATE INDEX user_passkeys_by_user ON user_passkeys(user_id);
CREATE TRIGGER user_passkeys_count_only BEFORE UPDATE ON user_passkeys
  WHEN NEW.credential_id IS NOT OLD.credential_id OR NEW.user_id IS NOT OLD.user_id
    OR NEW.algorithm IS NOT OLD.algorithm OR NEW.spki IS NOT OLD.spki
    OR NEW.created_at IS NOT OLD.created_at
BEGIN SELECT RAISE(ABORT, 'a log-in passkey only ever changes its sign count'); END;
)sql";

// Version 9 (docs/registry.md, "Appearance crops (version 9)"): where each performer's appearance
// crop of a shot is in the store — one per (performer, production, shot), the largest view of
// them any render of the shot gave. Replaced by a better crop, deleted on erasure.
constexpr std::string_view kV9AppearanceCrops = R"sql(
CREATE TABLE appearance_crops (
  id             TEXT PRIMARY KEY CHECK (id LIKE 'crp\_%' ESCAPE '\'),
  performer_id   TEXT NOT NULL REFERENCES performers(id),
  production_id  TEXT NOT NULL REFERENCES productions(id),
  shot           TEXT NOT NULL CHECK (length(shot) > 0),
  frame          INTEGER NOT NULL CHECK (typeof(frame) = 'integer'),
  render_id      TEXT NOT NULL CHECK (length(render_id) > 0),
  double_id      TEXT NOT NULL CHECK (length(double_id) > 0),
  pixels         REAL NOT NULL CHECK (pixels > 0),
  width          INTEGER NOT NULL CHECK (width BETWEEN 1 AND 4096),
  height         INTEGER NOT NULL CHECK (height BETWEEN 1 AND 4096),
  blob_id        TEXT NOT NULL CHECK (length(blob_id) = 64),
  created_at     INTEGER NOT NULL,
  UNIQUE (performer_id, production_id, shot)
);
)sql";

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "performers, estates, studios, productions, doubles, licences, consents, events", kV1},
      {2, "double measurements, levels of detail and store address from scan ingest", kV2},
      {3, "studio keys; productions signed by their studio, with their frame rate", kV3},
      {4, "enrolment codes, enrolled signer keys, representatives; consent version and custody",
       kV4},
      {5, "API users, sessions and erasure requests", kV5Api},
      {6, "offers their performer declined", kV6Declined},
      {7, "one-time sign-in codes for the portal", kV7SignInCodes},
      {8, "passkeys: signer keys, consents signed with them, users' log-in passkeys", kV8Passkeys},
      {9, "appearance crops: where each performer's crop of a shot is in the store",
       kV9AppearanceCrops},
  };
  return kMigrations;
}

}  // namespace figurant::registry
