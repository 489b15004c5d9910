// licence draft|offer|sign|show|list|revoke|reoffer
#include <memory>
#include <sstream>

#include "cli.h"
#include "core/file.h"

namespace figurant::cli {
namespace {

using nlohmann::json;

// Plain-English explanations printed under a licence that carries each flag.
std::string FlagExplanations(const bank::LicenceView& v) {
  std::string out;
  for (const std::string& f : v.flags) {
    if (f == bank::flag::kBlanket) {
      out += "  ! blanket grant: covers every production of the studio, present and future\n";
    } else if (f == bank::flag::kPerpetual) {
      out += "  ! perpetual: no end date; only a revocation ends it\n";
    } else if (f == bank::flag::kIrrevocable) {
      out += "  ! irrevocable: the performer cannot withdraw consent during the term\n";
    } else if (f == bank::flag::kUnrepresentedWideGrant) {
      out +=
          "  ! wider than one production and signed without union or counsel: unenforceable "
          "in California (AB 2602)\n";
    } else if (f == bank::flag::kWideGrant) {
      out +=
          "  ! wider than one production: sign with representation (--represented-by union|"
          "counsel) or it will be flagged under California AB 2602\n";
    } else if (f == bank::flag::kSignatureInvalid) {
      out += "  ! consent signature does not verify: " + v.signature_problem + "\n";
    } else if (f == bank::flag::kEstate) {
      out += "  ! signed by the performer's estate\n";
    } else if (f == bank::flag::kCustodialSignature) {
      out +=
          "  ! custodial_signature: signed with a key the bank held, which proves nothing against "
          "the bank; the signer can re-confirm it with their own key (licence offer, key sign, "
          "licence sign --signature)\n";
    } else if (f == bank::flag::kReconfirmForMovement) {
      out += "  ! reconfirm_for_movement: signed under disclosure version " +
             std::to_string(v.disclosure_version) +
             ", which does not say the double may be moved through a set; before a scene moves "
             "it, the studio offers the same terms again (licence reoffer) and the signer signs "
             "the new text\n";
    }
  }
  return out;
}

// A deceased performer's licences are granted by their estate. When drafting or signing for one
// fails, says which command registers the estate or which option signs as it (the bank names no
// commands or flags).
Status WithEstateHint(bank::Bank& bank, const std::string& performer_id, const Status& status,
                      bool signing_as_performer) {
  if (status.code() != StatusCode::kFailedPrecondition) return status;
  auto performer = bank.registry().GetPerformer(performer_id);
  auto estate = bank.registry().GetEstateOf(performer_id);
  if (!performer.ok() || !performer->deceased_on || !estate.ok()) return status;
  if (!*estate) {
    return {status.code(), status.message() + " (register it with: figurant performer estate " +
                               performer_id + " --name NAME)"};
  }
  if (signing_as_performer) {
    return {status.code(), status.message() + " (sign with --as estate)"};
  }
  return status;
}

std::string Summary(const bank::LicenceView& v) {
  std::ostringstream t;
  const auto& l = v.licence;
  t << l.id << "  " << v.standing << "  " << v.performer_name << " → " << v.studio_name << "  "
    << v.terms.valid_from.ToString() << " → "
    << (v.terms.valid_until ? v.terms.valid_until->ToString() : std::string("no end"));
  if (l.revoked_from) t << "  revoked from " << l.revoked_from->ToString();
  if (v.declined_at) t << "  declined on " << DateOf(*v.declined_at).ToString();
  t << FlagText(v.flags) << "\n";
  return t.str();
}

void RegisterDraft(CLI::App& licence, Context& ctx) {
  struct Args {
    std::string performer, studio, terms;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = licence.add_subcommand(
      "draft", "Validate licence terms and print the disclosure the performer will sign");
  cmd->add_option("--performer", a->performer, "Performer id")->required();
  cmd->add_option("--studio", a->studio, "Studio id")->required();
  cmd->add_option("--terms", a->terms, "Terms JSON file (docs/licence.md)")->required();
  cmd->callback([&ctx, a] {
    auto text = ReadUserFile(a->terms, consent::kTermsFile);
    if (!ctx.Check(text.status().WithContext("--terms"))) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto v = (*bank)->DraftLicence(a->performer, a->studio, *text, a->terms);
    if (!ctx.Check(WithEstateHint(**bank, a->performer, v.status(), false))) return;
    json j = {{"id", v->licence.id},
              {"language", v->licence.language},
              {"flags", v->flags},
              {"disclosure", v->licence.disclosure},
              {"disclosure_sha256", Sha256Hex(v->licence.disclosure)}};
    std::string t = v->licence.disclosure;
    t += "----\ndraft " + v->licence.id + FlagText(v->flags) + "\n" + FlagExplanations(*v);
    t += "the signer signs on their own device: figurant licence offer " + v->licence.id +
         " --out OFFER.json, then figurant key sign OFFER.json --key KEY --out SIG.json, then "
         "figurant licence sign " +
         v->licence.id + " --signature SIG.json\n";
    ctx.Emit(j, t);
  });
}

// A consent signature file (consent/offer.h) is a few hundred bytes.
constexpr FileLimit kSignatureFile{"consent signature file", 64u << 10};  // 64 KiB

// How consent is given now, for whoever still asks the bank to sign for a performer.
constexpr const char* kHowToSign =
    "the bank no longer signs for performers or estates: the signer signs on a device they hold. "
    "Write the offer with `figurant licence offer DRAFT --out OFFER.json`, have the signer run "
    "`figurant key sign OFFER.json --key THEIR_KEY --out SIG.json` (their key enrolled with "
    "`figurant performer invite` / `performer enrol`), then record it with `figurant licence sign "
    "DRAFT --signature SIG.json` (docs/keys.md)";

void RegisterOffer(CLI::App& licence, Context& ctx) {
  struct Args {
    std::string draft, out;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = licence.add_subcommand(
      "offer", "Write the offer of a draft for its signer to sign on their own device");
  cmd->add_option("draft", a->draft, "Draft licence id")->required();
  cmd->add_option("--out", a->out, "Offer file to write (docs/licence.md)")->required();
  cmd->callback([&ctx, a] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto offer = (*bank)->OfferFor(a->draft);
    if (!ctx.Check(offer.status())) return;
    if (!ctx.Check(WriteFileAtomic(a->out, consent::OfferJson(*offer)).WithContext("--out"))) {
      return;
    }
    ctx.Emit({{"offer", a->out},
              {"licence", offer->licence_id},
              {"signer", consent::SignerName(offer->signer)},
              {"signer_id", offer->signer_id}},
             "wrote " + a->out + ": the offer of " + offer->licence_id + " to " +
                 std::string(consent::SignerName(offer->signer)) + " " + offer->signer_id +
                 "\nthey sign it on their own device: figurant key sign " + a->out +
                 " --key THEIR_KEY --out SIG.json");
  });
}

void RegisterSign(CLI::App& licence, Context& ctx) {
  struct Args {
    std::string draft, signature, performer;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = licence.add_subcommand(
      "sign",
      "Record a consent signed on the signer's own device (a signature file from key sign); on "
      "an active licence signed custodially, record the signer's re-confirmation");
  cmd->add_option("draft", a->draft, "Licence id")->required();
  cmd->add_option("--signature", a->signature, "Signature file written by figurant key sign");
  cmd->add_option("--performer", a->performer,
                  "No longer accepted: the bank does not sign for performers");
  cmd->callback([&ctx, a] {
    if (!a->performer.empty() || a->signature.empty()) {
      ctx.Fail(FailedPrecondition(kHowToSign));
      return;
    }
    auto text = ReadUserFile(a->signature, kSignatureFile);
    if (!ctx.Check(text.status().WithContext("--signature"))) return;
    auto record = consent::ParseConsentSignature(*text, a->signature);
    if (!ctx.Check(record.status())) return;
    if (record->licence_id != a->draft) {
      ctx.Fail(InvalidArgument("--signature " + a->signature + " signs licence " +
                               record->licence_id + ", not " + a->draft));
      return;
    }
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto v = (*bank)->SignLicenceWith(*record);
    if (!ctx.Check(WithFlag(v.status(), "--signature " + a->signature))) return;
    json j = {{"id", v->licence.id},
              {"state", registry::LicenceStateName(v->licence.state)},
              {"flags", v->flags},
              {"signed_at", FormatTimestamp(record->signed_at)},
              {"signer", consent::SignerName(record->signer)},
              {"signer_id", record->signer_id},
              {"public_key", ToHex(record->public_key)},
              {"disclosure_sha256", record->disclosure_sha256},
              {"terms_sha256", record->terms_sha256}};
    ctx.Emit(j, "signed " + v->licence.id + " by " +
                    std::string(consent::SignerName(record->signer)) + " " + record->signer_id +
                    " with their own key" + FlagText(v->flags) + "\n" + FlagExplanations(*v));
  });
}

void RegisterShow(CLI::App& licence, Context& ctx) {
  struct Args {
    std::string id;
    bool disclosure = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = licence.add_subcommand("show", "Show a licence: terms, consent, flags, events");
  cmd->add_option("licence", a->id, "Licence id")->required();
  cmd->add_flag("--disclosure", a->disclosure, "Also print the signed disclosure text");
  cmd->callback([&ctx, a] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto v = (*bank)->GetLicence(a->id);
    if (!ctx.Check(v.status())) return;
    auto events = (*bank)->registry().ListLicenceEvents(a->id);
    if (!ctx.Check(events.status())) return;
    json j = {{"licence", LicenceJson(*v)}};
    j["licence"]["disclosure"] = v->licence.disclosure;
    j["events"] = json::array();
    std::ostringstream t;
    t << Summary(*v) << FlagExplanations(*v);
    t << "terms: " << consent::TermsToJson(v->terms).dump(2) << "\n";
    if (v->consent) {
      t << "consent: signed " << FormatTimestamp(v->consent->signed_at) << " by "
        << registry::SignerKindName(v->consent->signer) << " " << v->consent->signer_id
        << ", represented by " << registry::RepresentationName(v->consent->representation)
        << ", language " << v->consent->language << "\n"
        << "  disclosure sha256 " << v->consent->disclosure_sha256 << ", version "
        << v->disclosure_version << "\n"
        << "  signature " << (v->signature_valid ? "verifies" : "DOES NOT VERIFY") << "\n";
    } else {
      t << "consent: not signed\n";
    }
    t << "events:\n";
    for (const auto& e : *events) {
      j["events"].push_back({{"seq", e.seq},
                             {"kind", registry::LicenceEventKindName(e.kind)},
                             {"at", FormatTimestamp(e.at)},
                             {"detail", json::parse(e.detail_json, nullptr, false)}});
      t << "  " << FormatTimestamp(e.at) << "  " << registry::LicenceEventKindName(e.kind) << "  "
        << e.detail_json << "\n";
    }
    if (a->disclosure) t << "----\n" << v->licence.disclosure;
    ctx.Emit(j, t.str());
  });
}

void RegisterList(CLI::App& licence, Context& ctx) {
  struct Args {
    std::string performer, studio;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = licence.add_subcommand("list", "List licences (flags: blanket, perpetual, ...)");
  cmd->add_option("--performer", a->performer, "Only this performer's licences");
  cmd->add_option("--studio", a->studio, "Only this studio's licences");
  cmd->callback([&ctx, a] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    std::optional<std::string> performer, studio;
    if (!a->performer.empty()) performer = a->performer;
    if (!a->studio.empty()) studio = a->studio;
    auto all = (*bank)->ListLicences(performer, studio);
    if (!ctx.Check(all.status())) return;
    json arr = json::array();
    std::string t;
    for (const auto& v : *all) {
      arr.push_back(LicenceJson(v));
      t += Summary(v);
    }
    ctx.Emit({{"licences", arr}}, t.empty() ? "no licences" : t);
  });
}

void RegisterRevoke(CLI::App& licence, Context& ctx) {
  struct Args {
    std::string id, effective;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = licence.add_subcommand(
      "revoke", "Withdraw consent; applies after the licence's notice period");
  cmd->add_option("licence", a->id, "Licence id")->required();
  cmd->add_option("--effective", a->effective,
                  "First day the revocation applies, YYYY-MM-DD (default: today + notice)");
  cmd->callback([&ctx, a] {
    std::optional<Date> effective;
    if (!a->effective.empty()) {
      auto d = Date::Parse(a->effective);
      if (!ctx.Check(d.status().WithContext("--effective"))) return;
      effective = *d;
    }
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto v = (*bank)->RevokeLicence(a->id, effective);
    if (!ctx.Check(WithFlag(v.status(), "--effective"))) return;
    const std::string from = v->licence.revoked_from->ToString();
    ctx.Emit({{"id", v->licence.id},
              {"state", registry::LicenceStateName(v->licence.state)},
              {"effective", from}},
             "revoked " + v->licence.id + ": no use on or after " + from);
  });
}

void RegisterReoffer(CLI::App& licence, Context& ctx) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = licence.add_subcommand(
      "reoffer",
      "Offer a licence signed under an older disclosure again: same terms, the current text");
  cmd->add_option("licence", *id, "Licence id (in force, signed under disclosure version 1)")
      ->required();
  cmd->callback([&ctx, id] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto v = (*bank)->ReofferLicence(*id);
    if (!ctx.Check(v.status())) return;
    json j = {{"id", v->licence.id},
              {"reoffers", *id},
              {"language", v->licence.language},
              {"disclosure_version", v->disclosure_version},
              {"flags", v->flags},
              {"disclosure", v->licence.disclosure},
              {"disclosure_sha256", Sha256Hex(v->licence.disclosure)}};
    ctx.Emit(j, v->licence.disclosure + "----\ndraft " + v->licence.id + " offers the terms of " +
                    *id + " again with disclosure version " +
                    std::to_string(v->disclosure_version) + "; " + *id +
                    " stays as it is. The signer signs it on their own device (figurant licence "
                    "offer " +
                    v->licence.id + ")\n");
  });
}

}  // namespace

void RegisterLicenceCommands(CLI::App& app, Context& ctx) {
  CLI::App* licence = app.add_subcommand("licence", "Licences: a performer's grant to one studio");
  licence->require_subcommand(1);
  RegisterDraft(*licence, ctx);
  RegisterOffer(*licence, ctx);
  RegisterSign(*licence, ctx);
  RegisterShow(*licence, ctx);
  RegisterList(*licence, ctx);
  RegisterRevoke(*licence, ctx);
  RegisterReoffer(*licence, ctx);
}

}  // namespace figurant::cli
