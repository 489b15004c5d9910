// init · performer add|list|show|update|estate|invite|enrol · representative add ·
// studio add|list|key ·
// production add|declare|list|show
#include <memory>
#include <sstream>

#include "api/json_forms.h"
#include "cli.h"
#include "core/ids.h"
#include "core/key_seal.h"
#include "core/text.h"

namespace figurant::cli {
namespace {

using api::ProductionJson;  // one JSON form per object, shared with the HTTP API
using api::StudioJson;
using nlohmann::json;

// The studio's declaration signed here, on the caller's side, with the studio's key file; the
// bank only ever sees the public key and the signature.
Result<consent::SignedProduction> SignedByStudio(const Context& ctx,
                                                 consent::ProductionDeclaration declaration,
                                                 const std::string& fps,
                                                 const std::string& key_file) {
  auto rate = ParseFrameRate(fps);
  if (!rate.ok()) return rate.status().WithContext("--fps");
  declaration.frame_rate = *rate;
  FIGURANT_ASSIGN_OR_RETURN(SigningKeyPair key, PartyKeyFile(ctx, key_file, "--studio-key"));
  consent::SignedProduction signed_production = consent::SignProduction(declaration, key);
  SecureZero(key.secret_key.data(), key.secret_key.size());
  return signed_production;
}

void RegisterInit(CLI::App& app, Context& ctx) {
  CLI::App* cmd =
      app.add_subcommand("init", "Create a bank (registry, store, keys) or upgrade one");
  cmd->callback([&ctx] {
    bool created = false;
    auto options = ctx.BankOptions();
    if (!ctx.Check(options.status())) return;
    auto bank = bank::Bank::Init(ctx.BankDir(), *ctx.clock, &created, *options);
    if (!ctx.Check(ctx.WithKeysMoveHint(bank.status()))) return;
    const auto& paths = (*bank)->paths();
    json j = {{"bank", paths.dir.string()},
              {"keys", paths.keys.string()},
              {"created", created},
              {"schema_version", (*bank)->registry().SchemaVersion()}};
    const auto& destroyed = (*bank)->destroyed_custodial_keys();
    j["destroyed_custodial_keys"] = destroyed.size();
    std::string text = (created ? "created bank " : "bank already initialised at ") +
                       paths.dir.string() + " (registry schema v" +
                       std::to_string((*bank)->registry().SchemaVersion()) + ", keys in " +
                       paths.keys.string() + ")";
    if (!destroyed.empty()) {
      text += "\ndestroyed the " + std::to_string(destroyed.size()) +
              " private key file(s) this bank held for performers and estates (docs/keys.md); "
              "their licences are flagged custodial_signature until re-confirmed";
    }
    ctx.Emit(j, text);
  });
}

// keys seal: seals a bank's unsealed bank.ed25519 and master.key with the key passphrase.
void SealKeys(Context& ctx) {
  auto options = ctx.BankOptions();
  if (!ctx.Check(options.status())) return;
  if (!options->store.passphrase) {
    ctx.Fail(InvalidArgument(
        "keys seal needs the key passphrase in FIGURANT_KEY_PASSPHRASE or in a private file "
        "named by FIGURANT_KEY_PASSPHRASE_FILE"));
    return;
  }
  // Opening the bank first checks its layout, its modes and that the keys are where they should be.
  auto bank = ctx.OpenBank();
  if (!ctx.Check(bank.status())) return;
  const auto& paths = (*bank)->paths();
  json sealed = json::array();
  for (const auto& file : {paths.bank_key, paths.master_key}) {
    const Status s = SealKeyFileInPlace(file, *options->store.passphrase);
    if (s.code() == StatusCode::kAlreadyExists) continue;
    if (!ctx.Check(s)) return;
    sealed.push_back(file.string());
  }
  ctx.Emit({{"sealed", sealed}},
           "sealed " + std::to_string(sealed.size()) + " key file(s) in " + paths.keys.string());
}

// keys move: the one-time migration of a bank made when keys lived in BANK/keys.
void RegisterKeysMove(CLI::App& app, Context& ctx) {
  CLI::App* keys = app.add_subcommand("keys", "The bank's keys directory (docs/keys.md)");
  keys->require_subcommand(1);
  CLI::App* move = keys->add_subcommand(
      "move", "Move the keys of an older bank out of BANK/keys to --keys (default BANK.keys)");
  move->callback([&ctx] {
    const Status moved = bank::MoveKeysOut(ctx.BankDir(), ctx.KeysOption());
    if (!ctx.Check(moved)) return;
    const auto keys = bank::BankPaths::For(ctx.BankDir(), ctx.KeysOption()).keys;
    ctx.Emit({{"bank", ctx.BankDir().string()}, {"keys", keys.string()}},
             "moved the keys of " + ctx.BankDir().string() + " to " + keys.string());
  });
  CLI::App* seal = keys->add_subcommand(
      "seal", "Seal the bank's signing key and master key with the key passphrase, in place");
  seal->callback([&ctx] { SealKeys(ctx); });
}

void RegisterPerformerAdd(CLI::App& performer, Context& ctx) {
  struct AddArgs {
    std::string name, email, language = "en";
    bool synthetic = false;
  };
  auto add = std::make_shared<AddArgs>();
  CLI::App* add_cmd =
      performer.add_subcommand("add", "Register a performer (they enrol their own key: invite)");
  add_cmd->add_option("--name", add->name, "Full name")->required();
  add_cmd->add_option("--email", add->email, "Email address");
  add_cmd->add_option("--language", add->language, "Disclosure language: en or fr")
      ->check(CLI::IsMember({"en", "fr"}));
  add_cmd->add_flag("--synthetic", add->synthetic, "A generated performer (no real person)");
  add_cmd->callback([&ctx, add] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    bank::NewPerformer in;
    in.name = add->name;
    if (!add->email.empty()) in.email = add->email;
    in.language = *consent::ParseLanguage(add->language);
    in.synthetic = add->synthetic;
    auto p = (*bank)->AddPerformer(in);
    if (!ctx.Check(p.status())) return;
    ctx.Emit({{"id", p->id}}, p->id);
  });
}

void RegisterPerformerList(CLI::App& performer, Context& ctx) {
  CLI::App* list_cmd = performer.add_subcommand("list", "List performers");
  list_cmd->callback([&ctx] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto all = (*bank)->registry().ListPerformers();
    if (!ctx.Check(all.status())) return;
    json arr = json::array();
    std::ostringstream text;
    for (const auto& p : *all) {
      arr.push_back(PerformerJson(p));
      text << p.id << "  " << p.name << "  (" << p.language << ")"
           << (p.synthetic ? "  [SYNTHETIC]" : "")
           << (p.deceased_on ? "  [DECEASED " + p.deceased_on->ToString() + "]" : "")
           << (p.erased_at ? "  [ERASED]" : "") << "\n";
    }
    if (all->empty()) text << "no performers\n";
    ctx.Emit({{"performers", arr}}, text.str());
  });
}

// Everything `performer show` prints about one performer.
struct PerformerDetails {
  registry::Performer performer;
  bank::Retention retention;
  std::vector<bank::LicenceView> licences;
  std::vector<registry::Double> doubles;
  std::optional<registry::Estate> estate;
};

Result<PerformerDetails> LoadPerformerDetails(bank::Bank& bank, const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, bank.registry().GetPerformer(id));
  FIGURANT_ASSIGN_OR_RETURN(bank::Retention retention, bank.RetentionOf(p.id));
  FIGURANT_ASSIGN_OR_RETURN(std::vector<bank::LicenceView> licences, bank.ListLicences(p.id));
  FIGURANT_ASSIGN_OR_RETURN(std::vector<registry::Double> doubles,
                            bank.registry().ListDoubles(p.id));
  FIGURANT_ASSIGN_OR_RETURN(std::optional<registry::Estate> estate,
                            bank.registry().GetEstateOf(p.id));
  return PerformerDetails{std::move(p), std::move(retention), std::move(licences),
                          std::move(doubles), std::move(estate)};
}

json PerformerDetailsJson(const PerformerDetails& details) {
  const bank::Retention& retention = details.retention;
  const std::optional<registry::Estate>& estate = details.estate;
  json j = {{"performer", PerformerJson(details.performer)}};
  j["retention"] = {
      {"erase_on", retention.erase_on ? json(retention.erase_on->ToString()) : json(nullptr)},
      {"held_by", retention.held_by.empty() ? json(nullptr) : json(retention.held_by)},
      {"basis", retention.basis}};
  j["estate"] = estate ? json{{"id", estate->id}, {"name", estate->name}} : json(nullptr);
  j["licences"] = json::array();
  for (const auto& v : details.licences) j["licences"].push_back(LicenceJson(v));
  j["doubles"] = json::array();
  for (const auto& d : details.doubles)
    j["doubles"].push_back(
        {{"id", d.id}, {"name", d.name}, {"status", registry::DoubleStatusName(d.status)}});
  return j;
}

std::string PerformerDetailsText(const PerformerDetails& details) {
  const registry::Performer& p = details.performer;
  const bank::Retention& retention = details.retention;
  const std::optional<registry::Estate>& estate = details.estate;
  std::ostringstream t;
  t << p.name << " (" << p.id << ")" << (p.synthetic ? " [SYNTHETIC: no real person]" : "") << "\n";
  t << "  language:   " << p.language << "\n";
  if (p.email) t << "  email:      " << *p.email << "\n";
  if (p.deceased_on) t << "  deceased:   " << p.deceased_on->ToString() << "\n";
  if (estate) t << "  estate:     " << estate->name << " (" << estate->id << ")\n";
  if (p.erased_at) t << "  erased:     " << FormatTimestamp(*p.erased_at) << "\n";
  t << "  retention:  "
    << (retention.erase_on ? "biometric data erased on " + retention.erase_on->ToString()
                           : std::string("no erase date"))
    << " (" << retention.basis << ")\n";
  t << "  doubles:    " << details.doubles.size() << "\n";
  t << "  licences:   " << details.licences.size() << "\n";
  for (const auto& v : details.licences) {
    t << "    " << v.licence.id << "  " << registry::LicenceStateName(v.licence.state) << "  "
      << v.studio_name << "  " << v.terms.valid_from.ToString() << " → "
      << (v.terms.valid_until ? v.terms.valid_until->ToString() : std::string("no end"))
      << FlagText(v.flags) << "\n";
  }
  return t.str();
}

void RegisterPerformerShow(CLI::App& performer, Context& ctx) {
  auto show_id = std::make_shared<std::string>();
  CLI::App* show_cmd =
      performer.add_subcommand("show", "Show a performer, their licences and retention date");
  show_cmd->add_option("performer", *show_id, "Performer id")->required();
  show_cmd->callback([&ctx, show_id] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto details = LoadPerformerDetails(**bank, *show_id);
    if (!ctx.Check(details.status())) return;
    ctx.Emit(PerformerDetailsJson(*details), PerformerDetailsText(*details));
  });
}

void RegisterPerformerUpdate(CLI::App& performer, Context& ctx) {
  struct UpdateArgs {
    std::string id, deceased;
  };
  auto upd = std::make_shared<UpdateArgs>();
  CLI::App* update_cmd = performer.add_subcommand("update", "Record facts about a performer");
  update_cmd->add_option("performer", upd->id, "Performer id")->required();
  update_cmd->add_option("--deceased", upd->deceased, "Date of death, YYYY-MM-DD")->required();
  update_cmd->callback([&ctx, upd] {
    auto date = Date::Parse(upd->deceased);
    if (!ctx.Check(date.status().WithContext("--deceased"))) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    if (!ctx.Check(WithFlag((*bank)->MarkDeceased(upd->id, *date), "--deceased"))) return;
    ctx.Emit({{"id", upd->id}, {"deceased_on", date->ToString()}},
             upd->id + ": deceased on " + date->ToString() +
                 "; from this date only licences signed by their estate apply");
  });
}

void RegisterPerformerEstate(CLI::App& performer, Context& ctx) {
  struct EstateArgs {
    std::string id, name;
  };
  auto est = std::make_shared<EstateArgs>();
  CLI::App* estate_cmd = performer.add_subcommand(
      "estate", "Register a performer's estate (it signs after their death)");
  estate_cmd->add_option("performer", est->id, "Performer id")->required();
  estate_cmd->add_option("--name", est->name, "Name of the estate or its representative")
      ->required();
  estate_cmd->callback([&ctx, est] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto e = (*bank)->RegisterEstate(est->id, est->name);
    if (!ctx.Check(e.status())) return;
    ctx.Emit({{"id", e->id}}, e->id);
  });
}

// The expiry of an invitation: --expires DATE (end of that day, UTC) or --days N from now.
Result<std::optional<UnixSeconds>> InvitationExpiry(const Context& ctx, const std::string& date,
                                                    int days) {
  if (!date.empty()) {
    auto d = Date::Parse(date);
    if (!d.ok()) return d.status().WithContext("--expires");
    auto end = ParseTimestamp(d->AddDays(1).ToString() + "T00:00:00Z");
    if (!end.ok()) return end.status().WithContext("--expires");
    return std::optional<UnixSeconds>(*end);
  }
  if (days > 0) return std::optional<UnixSeconds>(ctx.clock->Now() + int64_t{days} * 24 * 3600);
  return std::optional<UnixSeconds>();
}

void RegisterPerformerInvite(CLI::App& performer, Context& ctx) {
  struct InviteArgs {
    std::string id, expires, as = "performer";
    int days = 0;
  };
  auto a = std::make_shared<InviteArgs>();
  CLI::App* cmd = performer.add_subcommand(
      "invite",
      "Issue a one-time enrolment code with which the performer (or their estate) enrols a key "
      "they hold; printed once, stored hashed");
  cmd->add_option("performer", a->id, "Performer id")->required();
  cmd->add_option("--as", a->as, "Who enrols: performer, or their registered estate")
      ->check(CLI::IsMember({"performer", "estate"}));
  auto* expires = cmd->add_option("--expires", a->expires,
                                  "Last day the code is valid, YYYY-MM-DD (default: 7 days)");
  auto* days = cmd->add_option("--days", a->days, "Days the code is valid (default 7)")
                   ->check(CLI::Range(1, 365));
  expires->excludes(days);
  cmd->callback([&ctx, a] {
    auto expiry = InvitationExpiry(ctx, a->expires, a->days);
    if (!ctx.Check(expiry.status())) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    const consent::Signer signer = *consent::ParseSigner(a->as);
    auto inv = (*bank)->InviteSigner(a->id, signer, *expiry);
    if (!ctx.Check(WithFlag(inv.status(), "--expires"))) return;
    ctx.Emit({{"code", inv->code},
              {"performer", inv->performer_id},
              {"signer", consent::SignerName(inv->signer)},
              {"signer_id", inv->signer_id},
              {"expires_at", FormatTimestamp(inv->expires_at)}},
             "enrolment code for " + std::string(consent::SignerName(inv->signer)) + " " +
                 inv->signer_id + " (valid until " + FormatTimestamp(inv->expires_at) +
                 ", once):\n\n    " + inv->code +
                 "\n\nHand it to them; it is shown only now. They enrol their public key with: "
                 "figurant performer enrol --code CODE --public-key-file KEY.pub");
  });
}

// 128 hex digits as an Ed25519 signature; InvalidArgument naming `flag` otherwise.
Result<bank::Ed25519Signature> SignatureOption(const std::string& hex, std::string_view flag) {
  auto raw = FromHex(hex);
  if (!raw.ok() || raw->size() != kEd25519SignatureBytes) {
    return InvalidArgument(std::string(flag) + ": expected 128 hex digits");
  }
  bank::Ed25519Signature out{};
  std::copy(raw->begin(), raw->end(), out.begin());
  return out;
}

void RegisterPerformerEnrol(CLI::App& performer, Context& ctx) {
  struct EnrolArgs {
    std::string code, public_key, public_key_file, proof;
  };
  auto a = std::make_shared<EnrolArgs>();
  CLI::App* cmd = performer.add_subcommand(
      "enrol", "Enrol the public half of a key you hold, with your one-time enrolment code");
  cmd->add_option("--code", a->code, "The enrolment code (performer invite)")->required();
  auto* key = cmd->add_option("--public-key", a->public_key, "Your Ed25519 public key, 64 hex");
  auto* file = cmd->add_option("--public-key-file", a->public_key_file, "Your KEY.pub (key new)");
  key->excludes(file);
  cmd->add_option("--signature", a->proof,
                  "Optional proof of possession: your key's signature over the enrolment message "
                  "(docs/keys.md), 128 hex digits");
  cmd->callback([&ctx, a] {
    auto public_key = PublicKeyOption(a->public_key, a->public_key_file);
    if (!ctx.Check(public_key.status())) return;
    std::optional<bank::Ed25519Signature> proof;
    if (!a->proof.empty()) {
      auto parsed = SignatureOption(a->proof, "--signature");
      if (!ctx.Check(parsed.status())) return;
      proof = *parsed;
    }
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto k = (*bank)->EnrolKey(a->code, *public_key, proof);
    if (!ctx.Check(WithFlag(k.status(), "--code"))) return;
    ctx.Emit({{"signer", registry::SignerKindName(k->signer)},
              {"signer_id", k->signer_id},
              {"public_key", ToHex(k->public_key)},
              {"valid_from", FormatTimestamp(k->valid_from)}},
             "enrolled key " + ToHex(k->public_key) + " for " +
                 std::string(registry::SignerKindName(k->signer)) + " " + k->signer_id +
                 ", valid from " + FormatTimestamp(k->valid_from));
  });
}

void RegisterRepresentative(CLI::App& app, Context& ctx) {
  struct RepArgs {
    std::string kind, name, public_key, public_key_file;
  };
  auto a = std::make_shared<RepArgs>();
  CLI::App* rep = app.add_subcommand("representative", "Unions and counsel of performers");
  rep->require_subcommand(1);
  CLI::App* add =
      rep->add_subcommand("add", "Register a union or counsel with the public half of its own key");
  add->add_option("--kind", a->kind, "union or counsel")
      ->required()
      ->check(CLI::IsMember({"union", "counsel"}));
  add->add_option("--name", a->name, "Name")->required();
  auto* key = add->add_option("--public-key", a->public_key, "Its Ed25519 public key, 64 hex");
  auto* file = add->add_option("--public-key-file", a->public_key_file, "Its KEY.pub");
  key->excludes(file);
  add->callback([&ctx, a] {
    auto public_key = PublicKeyOption(a->public_key, a->public_key_file);
    if (!ctx.Check(public_key.status())) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto r = (*bank)->AddRepresentative(*registry::ParseRepresentativeKind(a->kind), a->name,
                                        *public_key);
    if (!ctx.Check(r.status())) return;
    ctx.Emit({{"id", r->id}}, r->id);
  });
}

void RegisterPerformer(CLI::App& app, Context& ctx) {
  CLI::App* performer =
      app.add_subcommand("performer", "Performers: the people whose doubles are banked");
  performer->require_subcommand(1);
  RegisterPerformerAdd(*performer, ctx);
  RegisterPerformerList(*performer, ctx);
  RegisterPerformerShow(*performer, ctx);
  RegisterPerformerUpdate(*performer, ctx);
  RegisterPerformerEstate(*performer, ctx);
  RegisterPerformerInvite(*performer, ctx);
  RegisterPerformerEnrol(*performer, ctx);
}

// The studio's public key options of `cmd`, read into `hex` and `file`.
void AddPublicKeyOptions(CLI::App& cmd, std::string& hex, std::string& file) {
  auto* key = cmd.add_option("--public-key", hex,
                             "The studio's Ed25519 public key, 64 hex digits (key new prints it)");
  auto* key_file = cmd.add_option("--public-key-file", file, "The studio's FILE.pub (key new)");
  key->excludes(key_file);
}

void RegisterStudioAdd(CLI::App& studio, Context& ctx) {
  struct AddArgs {
    std::string name, public_key, public_key_file;
  };
  auto a = std::make_shared<AddArgs>();
  CLI::App* add = studio.add_subcommand(
      "add", "Register a studio with the public half of its own key (it keeps the private half)");
  add->add_option("--name", a->name, "Studio name (unique)")->required();
  AddPublicKeyOptions(*add, a->public_key, a->public_key_file);
  add->callback([&ctx, a] {
    auto key = PublicKeyOption(a->public_key, a->public_key_file);
    if (!ctx.Check(key.status())) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto s = (*bank)->AddStudio(a->name, *key);
    if (!ctx.Check(s.status())) return;
    ctx.Emit({{"id", s->id}}, s->id);
  });
}

void RegisterStudioKey(CLI::App& studio, Context& ctx) {
  struct KeyArgs {
    std::string id, public_key, public_key_file;
  };
  auto a = std::make_shared<KeyArgs>();
  CLI::App* cmd = studio.add_subcommand(
      "key", "Register the public key of a studio created before studios had keys (once)");
  cmd->add_option("studio", a->id, "Studio id")->required();
  AddPublicKeyOptions(*cmd, a->public_key, a->public_key_file);
  cmd->callback([&ctx, a] {
    auto key = PublicKeyOption(a->public_key, a->public_key_file);
    if (!ctx.Check(key.status())) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto s = (*bank)->EnrolStudioKey(a->id, *key);
    if (!ctx.Check(s.status())) return;
    ctx.Emit(StudioJson(*s), s->id + ": key " + ToHex(s->public_key) + " registered");
  });
}

void RegisterStudio(CLI::App& app, Context& ctx) {
  CLI::App* studio = app.add_subcommand("studio", "Studios that license doubles");
  studio->require_subcommand(1);
  RegisterStudioAdd(*studio, ctx);
  RegisterStudioKey(*studio, ctx);
  CLI::App* list = studio->add_subcommand("list", "List studios");
  list->callback([&ctx] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto all = (*bank)->registry().ListStudios();
    if (!ctx.Check(all.status())) return;
    json arr = json::array();
    std::string text;
    for (const auto& s : *all) {
      arr.push_back(StudioJson(s));
      text += s.id + "  " + s.name + (s.public_key.empty() ? "  [NO KEY]" : "") + "\n";
    }
    ctx.Emit({{"studios", arr}}, text.empty() ? "no studios" : text);
  });
}

constexpr const char* kFpsHelp =
    "Frame rate the production is shot at: 23.976, 24, 25, 29.97, 30, 48, 50, 59.94 or 60 "
    "(exactly 24000/1001 etc. also accepted); scenes must match it";
constexpr const char* kStudioKeyHelp =
    "The studio's private key file (key new): the declaration is signed with it here, on the "
    "studio's side; the bank never sees it";

void RegisterProductionAdd(CLI::App& production, Context& ctx) {
  struct AddArgs {
    std::string studio, title, media, territories, content, fps, studio_key;
  };
  auto a = std::make_shared<AddArgs>();
  CLI::App* add =
      production.add_subcommand("add", "Register a production, declared and signed by its studio");
  add->add_option("--studio", a->studio, "Studio id")->required();
  add->add_option("--title", a->title, "Title")->required();
  add->add_option("--media", a->media, "Release media, comma-separated: theatrical,streaming,...")
      ->required();
  add->add_option("--territories", a->territories, "worldwide, or ISO country codes FR,US,...")
      ->required();
  add->add_option("--content", a->content, "Content categories: violence,nudity,political,...");
  add->add_option("--fps", a->fps, kFpsHelp)->required();
  add->add_option("--studio-key", a->studio_key, kStudioKeyHelp)->required();
  add->callback([&ctx, a] {
    auto declared = SignedByStudio(ctx,
                                   {NewId(id_prefix::kProduction),
                                    a->studio,
                                    TrimSpace(a->title),
                                    SplitList(a->media),
                                    SplitList(a->territories),
                                    SplitList(a->content),
                                    {}},
                                   a->fps, a->studio_key);
    if (!ctx.Check(declared.status())) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto p = (*bank)->AddProduction(*declared);
    if (!ctx.Check(p.status())) return;
    ctx.Emit({{"id", p->id}}, p->id);
  });
}

void RegisterProductionDeclare(CLI::App& production, Context& ctx) {
  struct DeclareArgs {
    std::string id, fps, studio_key;
  };
  auto a = std::make_shared<DeclareArgs>();
  CLI::App* cmd = production.add_subcommand(
      "declare",
      "Have its studio sign a production registered before productions were signed (review it "
      "with production show first: the studio signs its registered facts and a frame rate)");
  cmd->add_option("production", a->id, "Production id")->required();
  cmd->add_option("--fps", a->fps, kFpsHelp)->required();
  cmd->add_option("--studio-key", a->studio_key, kStudioKeyHelp)->required();
  cmd->callback([&ctx, a] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto row = (*bank)->registry().GetProduction(a->id);
    if (!ctx.Check(row.status())) return;
    auto declared = SignedByStudio(
        ctx, {row->id, row->studio_id, row->title, row->media, row->territories, row->content, {}},
        a->fps, a->studio_key);
    if (!ctx.Check(declared.status())) return;
    auto p = (*bank)->DeclareProduction(*declared);
    if (!ctx.Check(p.status())) return;
    ctx.Emit({{"production", ProductionJson(*p)}}, p->id + ": declared by studio " + p->studio_id +
                                                       " at " + p->frame_rate->Name() + " fps");
  });
}

std::string ProductionText(const registry::Production& p) {
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? std::string("none") : s;
  };
  std::ostringstream t;
  t << p.title << " (" << p.id << ")\n"
    << "  studio:      " << p.studio_id << "\n"
    << "  media:       " << join(p.media) << "\n"
    << "  territories: " << join(p.territories) << "\n"
    << "  content:     " << join(p.content) << "\n"
    << "  frame rate:  "
    << (p.frame_rate ? p.frame_rate->Name() + " fps (" + p.frame_rate->Text() + ")"
                     : std::string("none: not declared by its studio yet"))
    << "\n";
  return t.str();
}

void RegisterProduction(CLI::App& app, Context& ctx) {
  CLI::App* production = app.add_subcommand("production", "Productions of a studio");
  production->require_subcommand(1);
  RegisterProductionAdd(*production, ctx);
  RegisterProductionDeclare(*production, ctx);
  CLI::App* list = production->add_subcommand("list", "List productions");
  list->callback([&ctx] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto all = (*bank)->registry().ListProductions();
    if (!ctx.Check(all.status())) return;
    json arr = json::array();
    std::string text;
    for (const auto& p : *all) {
      arr.push_back(ProductionJson(p));
      text += p.id + "  " + p.title + "  (" + p.studio_id + ")" +
              (p.signature.empty() ? "  [NOT DECLARED]" : "") + "\n";
    }
    ctx.Emit({{"productions", arr}}, text.empty() ? "no productions" : text);
  });
  auto show_id = std::make_shared<std::string>();
  CLI::App* show = production->add_subcommand("show", "Show a production");
  show->add_option("production", *show_id, "Production id")->required();
  show->callback([&ctx, show_id] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto p = (*bank)->registry().GetProduction(*show_id);
    if (!ctx.Check(p.status())) return;
    ctx.Emit({{"production", ProductionJson(*p)}}, ProductionText(*p));
  });
}

}  // namespace

void RegisterBankCommands(CLI::App& app, Context& ctx) {
  RegisterInit(app, ctx);
  RegisterKeysMove(app, ctx);
  RegisterPerformer(app, ctx);
  RegisterRepresentative(app, ctx);
  RegisterStudio(app, ctx);
  RegisterProduction(app, ctx);
}

}  // namespace figurant::cli
