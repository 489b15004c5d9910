// check: may this double (or any double of this performer) appear in this use?
#include <memory>
#include <optional>
#include <sstream>

#include "cli.h"

namespace figurant::cli {
namespace {

struct CheckArgs {
  std::string double_id, performer, production, use = "background", date;
  std::optional<double> height;  // any number CLI11 reads, NaN and infinities included
  std::vector<std::string> alterations;
};

// The request the options describe; InvalidArgument naming the option that is wrong.
Result<bank::CheckRequest> RequestFrom(const CheckArgs& a) {
  if (a.double_id.empty() == a.performer.empty()) {
    return InvalidArgument("give exactly one of --double or --performer");
  }
  bank::CheckRequest req;
  if (!a.double_id.empty()) req.double_id = a.double_id;
  if (!a.performer.empty()) req.performer_id = a.performer;
  req.production_id = a.production;
  const auto use = consent::ParseUse(a.use);
  if (!use) {
    return InvalidArgument("--use '" + a.use +
                           "' is not one of: background, featured_background, principal");
  }
  req.use = *use;
  if (!a.date.empty()) {
    auto d = Date::Parse(a.date);
    if (!d.ok()) return d.status().WithContext("--date");
    req.date = *d;
  }
  if (a.height && !(*a.height >= 0 && *a.height <= 1)) {
    return InvalidArgument("--screen-height-fraction " + std::to_string(*a.height) +
                           ": expected a number in [0, 1] (the double's size on screen over the "
                           "frame's height)");
  }
  req.screen_height_fraction = a.height;
  for (const std::string& s : a.alterations) {
    const auto alt = consent::ParseAlteration(s);
    if (!alt) {
      return InvalidArgument("--alteration '" + s +
                             "' is not one of: wardrobe_tint, body_scale, face");
    }
    req.alterations.push_back(*alt);
  }
  return req;
}

// Every reason of every denial, as {licence, code, detail} objects.
nlohmann::json ReasonsJson(const consent::Decision& d) {
  nlohmann::json reasons = nlohmann::json::array();
  if (d.allowed) return reasons;
  for (const consent::LicenceDenial& den : d.denials) {
    for (const consent::Reason& r : den.reasons) {
      reasons.push_back({{"licence", den.licence_id.empty() ? nlohmann::json(nullptr)
                                                            : nlohmann::json(den.licence_id)},
                         {"code", std::string(consent::ReasonCodeName(r.code))},
                         {"detail", r.detail}});
    }
  }
  return reasons;
}

nlohmann::json OutcomeJson(const bank::CheckOutcome& out) {
  const consent::Decision& d = out.decision;
  nlohmann::json j = {{"decision", d.allowed ? "allowed" : "denied"},
                      {"performer", out.performer_id},
                      {"production", out.production_id},
                      {"date", out.date.ToString()},
                      {"reasons", ReasonsJson(d)}};
  j["licence"] = d.allowed ? nlohmann::json(d.licence_id) : nlohmann::json(nullptr);
  j["double"] = out.double_id ? nlohmann::json(*out.double_id) : nlohmann::json(nullptr);
  return j;
}

// "allowed under licence L", or "denied" and one line per reason.
std::string DecisionText(const consent::Decision& d) {
  std::ostringstream t;
  t << (d.allowed ? "allowed" : "denied");
  if (d.allowed) t << " under licence " << d.licence_id;
  t << "\n";
  if (d.allowed) return t.str();
  for (const consent::LicenceDenial& den : d.denials) {
    for (const consent::Reason& r : den.reasons) {
      t << "  " << (den.licence_id.empty() ? std::string("-") : den.licence_id) << ": "
        << consent::ReasonCodeName(r.code) << ": " << r.detail << "\n";
    }
  }
  return t.str();
}

}  // namespace

void RegisterCheckCommand(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Decide whether a double may appear in a use; exit 0 allowed, 3 denied, 2 bad input");
  auto* dbl = cmd->add_option("--double", a->double_id, "Double id");
  auto* per = cmd->add_option("--performer", a->performer,
                              "Performer id (their licences, as for any of their doubles)");
  dbl->excludes(per);
  cmd->add_option("--production", a->production, "Production id")->required();
  cmd->add_option("--use", a->use, "background or featured_background");
  cmd->add_option("--date", a->date, "Day of the use, YYYY-MM-DD (default: today)");
  cmd->add_option("--screen-height-fraction", a->height,
                  "Size on screen: the longest side the double takes in the image, as a fraction "
                  "of frame height, in [0, 1]");
  cmd->add_option("--alteration", a->alterations,
                  "An alteration the render makes: wardrobe_tint, body_scale, face (repeatable)");
  cmd->callback([&ctx, a] {
    auto req = RequestFrom(*a);
    if (!ctx.Check(req.status())) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto out = (*bank)->Check(*req);
    if (!ctx.Check(out.status())) return;
    ctx.Emit(OutcomeJson(*out), DecisionText(out->decision));
    if (!out->decision.allowed) ctx.exit_code = kExitDenied;
  });
}

}  // namespace figurant::cli
