#include "consent/disclosure.h"

#include <cassert>
#include <cmath>
#include <cstdio>

#include "consent/internal/iso_tables.h"
#include "core/names.h"

namespace figurant::consent {
namespace {

struct Words {
  std::string_view en;
  std::string_view fr;
};

std::string_view Pick(const Words& w, Language l) { return l == Language::kFrench ? w.fr : w.en; }

constexpr Entry<std::string_view, Words> kMediumWords[] = {
    {"theatrical", {"cinema release (theatrical)", "sortie en salles de cinéma"}},
    {"streaming", {"streaming services", "plateformes de streaming"}},
    {"broadcast", {"television broadcast", "diffusion télévisée"}},
    {"home_video",
     {"home video (DVD, Blu-ray, digital purchase)",
      "vidéo à domicile (DVD, Blu-ray, achat numérique)"}},
    {"festival", {"film festivals", "festivals de cinéma"}},
    {"online", {"online and social media", "internet et réseaux sociaux"}},
    {"in_flight", {"in-flight and on-board screening", "projection à bord (avions, trains)"}},
};

constexpr Entry<std::string_view, Words> kContentWords[] = {
    {"violence", {"violence", "violence"}},
    {"nudity", {"nudity", "nudité"}},
    {"sexual_content", {"sexual content", "contenu sexuel"}},
    {"political", {"political content", "contenu politique"}},
    {"religious", {"religious content", "contenu religieux"}},
    {"advertising", {"advertising", "publicité"}},
    {"drugs", {"drug use", "consommation de drogues"}},
    {"tobacco", {"tobacco use", "consommation de tabac"}},
    {"horror", {"horror", "horreur"}},
};

constexpr Entry<Use, Words> kUseWords[] = {
    {Use::kBackground,
     {"background (an unnamed extra in a crowd, not featured)",
      "arrière-plan (figurant anonyme dans une foule, non mis en avant)"}},
    {Use::kFeaturedBackground,
     {"featured background (noticeable in the shot, without lines or a named role)",
      "arrière-plan mis en avant (visible dans le plan, sans texte ni rôle nommé)"}},
    {Use::kPrincipal, {"principal", "rôle principal"}},
};

constexpr Entry<Alteration, Words> kAlterationWords[] = {
    {Alteration::kWardrobeTint,
     {"changing the colour of the clothes", "changer la couleur des vêtements"}},
    {Alteration::kBodyScale,
     {"changing body size and proportions", "modifier la taille et les proportions du corps"}},
    {Alteration::kFace, {"changing the face", "modifier le visage"}},
};

// A medium or content category the tables do not know is shown as its code.
Words MediumWords(std::string_view m) { return Lookup(kMediumWords, m, {m, m}); }
Words ContentWords(std::string_view c) { return Lookup(kContentWords, c, {c, c}); }
Words UseWords(Use u) { return Lookup(kUseWords, u, {}); }
Words AlterationWords(Alteration a) { return Lookup(kAlterationWords, a, {}); }

std::string CountryName(std::string_view code, Language l) {
  if (code == kWorldwide) {
    return l == Language::kFrench ? "le monde entier" : "the whole world";
  }
  const internal::IsoEntry* e = internal::FindByCode(internal::Countries(), code);
  if (e == nullptr) return std::string(code);
  return std::string(l == Language::kFrench ? e->fr : e->en) + " (" + std::string(code) + ")";
}

std::string FormatDate(const Date& d, Language l) {
  static constexpr const char* kEn[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
  static constexpr const char* kFr[] = {"janvier",   "février", "mars",     "avril",
                                        "mai",       "juin",    "juillet",  "août",
                                        "septembre", "octobre", "novembre", "décembre"};
  if (l == Language::kFrench) {
    return (d.day == 1 ? std::string("1er") : std::to_string(d.day)) + " " + kFr[d.month - 1] +
           " " + std::to_string(d.year);
  }
  return std::to_string(d.day) + " " + kEn[d.month - 1] + " " + std::to_string(d.year);
}

std::string FormatAmount(double amount, const std::string& currency, Language l) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", amount);
  std::string num = buf;
  if (l == Language::kFrench) {
    for (char& c : num) {
      if (c == '.') c = ',';
    }
    return num + " " + currency;
  }
  return currency + " " + num;
}

// "a, b and c" / "a, b et c"
std::string List(const std::vector<std::string>& items, Language l) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? (l == Language::kFrench ? " et " : " and ") : ", ";
    out += items[i];
  }
  return out;
}

std::string Bullet(const std::string& s) { return "  - " + s + "\n"; }

std::string Paragraph(const std::string& s) { return s + "\n\n"; }

// The items in the reader's language, as one List.
template <typename T, typename WordsOf>
std::string ListIn(Language l, const std::vector<T>& items, WordsOf words_of) {
  std::vector<std::string> names;
  names.reserve(items.size());
  for (const T& item : items) names.emplace_back(Pick(words_of(item), l));
  return List(names, l);
}

// ---- the sections, in the order the performer reads them ---------------------------------------

std::string Heading(Language l) {
  return l == Language::kFrench ? "LICENCE D'UTILISATION DE VOTRE DOUBLE NUMÉRIQUE\n\n"
                                : "LICENCE TO USE YOUR DIGITAL DOUBLE\n\n";
}

// Who grants what to whom: the performer, or their estate.
std::string Parties(const DisclosureNames& n, Language l) {
  const bool fr = l == Language::kFrench;
  if (n.signed_by_estate) {
    return Paragraph(fr ? "Cette licence est accordée par la succession de " + n.performer_name +
                              " (" + n.estate_name + "), au studio " + n.studio_name + "."
                        : "This licence is granted by the estate of " + n.performer_name + " (" +
                              n.estate_name + ") to the studio " + n.studio_name + ".");
  }
  return Paragraph(
      fr ? n.performer_name + ", en signant, vous autorisez le studio " + n.studio_name +
               " à utiliser votre double numérique (la copie 3D de votre corps issue de votre "
               "scan) selon les conditions ci-dessous, et seulement selon elles."
         : n.performer_name + ", by signing you allow the studio " + n.studio_name +
               " to use your digital double (the 3D copy of your body made from your scan) on "
               "the terms below, and only on those terms.");
}

// A blanket grant is said to be one; otherwise every production by title and id.
std::string Productions(const Terms& t, const DisclosureNames& n, Language l) {
  const bool fr = l == Language::kFrench;
  if (t.all_productions) {
    return Paragraph(
        fr ? "PRODUCTIONS : TOUTES. Ceci est une autorisation générale : le studio pourra utiliser "
             "votre double dans n'importe laquelle de ses productions, y compris des productions "
             "qui n'existent pas encore et dont vous ne connaissez ni le titre ni le contenu."
           : "PRODUCTIONS: ANY. This is a blanket grant: the studio may use your double in any of "
             "its productions, including productions that do not exist yet and whose title and "
             "content you do not know.");
  }
  std::string out = fr ? "PRODUCTIONS : votre double peut apparaître uniquement dans :\n"
                       : "PRODUCTIONS: your double may appear only in:\n";
  for (const std::string& id : t.productions) {
    const auto it = n.production_titles.find(id);
    out += Bullet(it != n.production_titles.end() ? "\"" + it->second + "\" (" + id + ")" : id);
  }
  return out + "\n";
}

std::string Uses(const Terms& t, Language l) {
  const bool fr = l == Language::kFrench;
  return Paragraph((fr ? "UTILISATION : " : "USE: ") + ListIn(l, t.uses, UseWords) + "." +
                   (fr ? " Jamais dans un rôle principal ni avec du texte."
                       : " Never as a principal role or with lines."));
}

// Version 2 on: how a double may be moved (crowds that walk through a set, issue 16).
std::string Movement(Language l) {
  return Paragraph(
      l == Language::kFrench
          ? "MOUVEMENT : votre double peut marcher, rester debout, s'asseoir et se tourner. Il "
            "peut être déplacé dans un décor, parmi d'autres personnes. Il ne parle jamais et ne "
            "fait jamais d'action mise en avant (un geste ou une action sur lesquels la scène "
            "attire le regard)."
          : "MOVEMENT: your double may walk, stand, sit and turn. It may be moved through a set, "
            "among other people. It never speaks and never performs a featured action (a gesture "
            "or action the scene draws the eye to).");
}

// The line a text from version 2 on ends with, before its number; the same words
// DisclosureVersionOf reads back.
constexpr Words kVersionLine = {"DISCLOSURE VERSION: ", "VERSION DE CE TEXTE : "};

std::string VersionLine(int version, Language l) {
  return std::string(Pick(kVersionLine, l)) + std::to_string(version) + "\n";
}

std::string MediaAndTerritories(const Terms& t, Language l) {
  const bool fr = l == Language::kFrench;
  std::vector<std::string> territories;
  territories.reserve(t.territories.size());
  for (const std::string& terr : t.territories) territories.push_back(CountryName(terr, l));
  return Paragraph((fr ? "SUPPORTS : " : "MEDIA: ") + ListIn(l, t.media, MediumWords) + ".") +
         Paragraph((fr ? "TERRITOIRES : " : "TERRITORIES: ") + List(territories, l) + ".");
}

// A perpetual term is said to be one.
std::string Term(const Terms& t, Language l) {
  const bool fr = l == Language::kFrench;
  if (t.valid_until) {
    return Paragraph(
        fr ? "DURÉE : du " + FormatDate(t.valid_from, l) + " au " + FormatDate(*t.valid_until, l) +
                 " inclus. Après cette date, votre double ne peut plus être utilisé dans de "
                 "nouvelles images."
           : "TERM: from " + FormatDate(t.valid_from, l) + " to " + FormatDate(*t.valid_until, l) +
                 " inclusive. After that date your double may not be used in any new images.");
  }
  return Paragraph(
      fr ? "DURÉE : à partir du " + FormatDate(t.valid_from, l) +
               ", SANS DATE DE FIN. Ceci est une licence perpétuelle : elle ne s'arrête jamais "
               "d'elle-même ; seule une révocation (si elle est permise ci-dessous) y met fin."
         : "TERM: from " + FormatDate(t.valid_from, l) +
               ", WITH NO END DATE. This is a perpetual licence: it never ends by itself; only a "
               "revocation (if allowed below) ends it.");
}

std::string ScreenSize(const Terms& t, Language l) {
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.0f", t.max_screen_height_fraction * 100.0);
  return Paragraph(
      l == Language::kFrench
          ? std::string("TAILLE À L'ÉCRAN : votre double ne doit jamais dépasser ") + pct +
                " % de la hauteur de l'image. Plus grand, il cesserait d'être un "
                "figurant d'arrière-plan et ne peut pas être rendu."
          : std::string("SIZE ON SCREEN: your double may never be taller than ") + pct +
                "% of the frame height. Larger than that it would stop being "
                "background, and it will not be rendered.");
}

std::string Changes(const Terms& t, Language l) {
  const bool fr = l == Language::kFrench;
  if (t.alterations.empty()) {
    return Paragraph(
        fr ? "MODIFICATIONS : aucune. Votre double sera montré tel que scanné, vêtements compris."
           : "CHANGES: none. Your double will be shown exactly as scanned, clothes included.");
  }
  return Paragraph((fr ? "MODIFICATIONS PERMISES : " : "CHANGES ALLOWED: ") +
                   ListIn(l, t.alterations, AlterationWords) + "." +
                   (fr ? " Aucune autre modification." : " No other change."));
}

std::string ExcludedContent(const Terms& t, Language l) {
  const bool fr = l == Language::kFrench;
  if (t.excluded_content.empty()) {
    return Paragraph(
        fr ? "CONTENUS EXCLUS : aucun. Votre double peut apparaître dans des scènes de tout type."
           : "EXCLUDED CONTENT: none. Your double may appear in scenes of any kind.");
  }
  return Paragraph(
      (fr ? "CONTENUS EXCLUS : votre double ne sera jamais utilisé dans une production "
            "comportant : "
          : "EXCLUDED CONTENT: your double will never be used in a production containing: ") +
      ListIn(l, t.excluded_content, ContentWords) + ".");
}

struct PaymentLine {
  Words label;
  double Compensation::*amount;
};

constexpr PaymentLine kPaymentLines[] = {
    {{"scan fee, paid once: ", "frais de scan, payés une fois : "}, &Compensation::scan_fee},
    {{"for each production your double appears in: ",
      "par production dans laquelle votre double apparaît : "},
     &Compensation::per_production_fee},
    {{"for each second on screen: ", "par seconde à l'écran : "}, &Compensation::per_screen_second},
    {{"guaranteed minimum per production: ", "minimum garanti par production : "},
     &Compensation::minimum_per_production},
};

// Every amount, and where the performer can see what they are owed.
std::string Payment(const Compensation& c, Language l) {
  const bool fr = l == Language::kFrench;
  std::string out = fr ? "RÉMUNÉRATION :\n" : "PAYMENT:\n";
  for (const PaymentLine& line : kPaymentLines) {
    out += Bullet(std::string(Pick(line.label, l)) + FormatAmount(c.*line.amount, c.currency, l));
  }
  out += fr ? "Chaque image où votre double apparaît est comptée dans un registre infalsifiable "
              "que vous pouvez consulter.\n\n"
            : "Every frame in which your double appears is counted in a tamper-evident ledger "
              "that you can inspect.\n\n";
  return out;
}

// An irrevocable licence is said to be one.
std::string Revocation(const Terms& t, Language l) {
  const bool fr = l == Language::kFrench;
  if (t.revocable) {
    const std::string days = std::to_string(t.revocation_notice_days);
    return Paragraph(
        fr ? "RÉVOCATION : vous pouvez retirer votre consentement à tout moment. Le retrait prend "
             "effet " +
                 days +
                 " jours après votre demande ; ensuite, plus aucune nouvelle image "
                 "de votre double ne peut être produite."
           : "REVOCATION: you may withdraw your consent at any time. Withdrawal takes effect " +
                 days +
                 " days after you ask; after that no new images of your double may be made.");
  }
  return Paragraph(
      fr ? "RÉVOCATION : IMPOSSIBLE. Vous ne pourrez pas retirer votre consentement pendant la "
           "durée de la licence."
         : "REVOCATION: NOT POSSIBLE. You will not be able to withdraw your consent for the "
           "whole term of this licence.");
}

// Illinois BIPA asks for a published retention schedule.
std::string BiometricData(const DisclosureNames& n, Language l) {
  const std::string years = std::to_string(n.retention_years);
  return Paragraph(
      l == Language::kFrench
          ? "DONNÉES BIOMÉTRIQUES : votre scan et votre double sont chiffrés. Ils seront effacés " +
                years +
                " ans après la fin de votre dernière licence, ou plus tôt si vous le "
                "demandez (sauf si une licence en cours en a encore besoin)."
          : "BIOMETRIC DATA: your scan and double are stored encrypted. They will be erased " +
                years +
                " years after your last licence ends, or sooner if you ask (unless a "
                "licence still in force needs them).");
}

// California AB 2602: a grant wider than the engagement; empty otherwise.
std::string WiderThanEngagement(const Terms& t, Language l) {
  if (!t.wider_than_engagement()) return "";
  return Paragraph(
      l == Language::kFrench
          ? "ATTENTION : cette licence couvre plus que la production pour laquelle vous avez été "
            "engagé(e). En Californie (loi AB 2602), de telles clauses ne sont pas opposables si "
            "vous n'étiez pas représenté(e) par un syndicat ou un avocat lors de la signature. "
            "Nous vous conseillons de vous faire représenter avant de signer."
          : "WARNING: this licence covers more than the production you were engaged for. In "
            "California (law AB 2602) such terms are unenforceable unless you were represented "
            "by a union or a lawyer when you signed. We advise you to get representation before "
            "signing.");
}

}  // namespace

std::string_view LanguageCode(Language l) { return l == Language::kFrench ? "fr" : "en"; }

std::optional<Language> ParseLanguage(std::string_view code) {
  if (code == "en") return Language::kEnglish;
  if (code == "fr") return Language::kFrench;
  return std::nullopt;
}

std::string Disclosure(const Terms& t, const DisclosureNames& n, Language l, int version) {
  assert(version == kDisclosureV1 || version == kDisclosureV2);
  const bool v2 = version != kDisclosureV1;
  std::string out = Heading(l);
  out += Parties(n, l);
  out += Productions(t, n, l);
  out += Uses(t, l);
  if (v2) out += Movement(l);
  out += MediaAndTerritories(t, l);
  out += Term(t, l);
  out += ScreenSize(t, l);
  out += Changes(t, l);
  out += ExcludedContent(t, l);
  out += Payment(t.compensation, l);
  out += Revocation(t, l);
  out += BiometricData(n, l);
  out += WiderThanEngagement(t, l);
  if (v2) out += VersionLine(kDisclosureV2, l);
  return out;
}

Result<int> DisclosureVersionOf(std::string_view text) {
  if (text.empty())
    return InvalidArgument("disclosure: the text is empty, so its version is unknown");
  std::string_view body = text;
  if (body.back() == '\n') body.remove_suffix(1);
  const size_t newline = body.rfind('\n');
  const std::string_view last = newline == std::string_view::npos ? body : body.substr(newline + 1);
  std::optional<std::string_view> claimed;
  for (const std::string_view prefix : {kVersionLine.en, kVersionLine.fr}) {
    if (last.starts_with(prefix)) claimed = last.substr(prefix.size());
  }
  if (!claimed) return kDisclosureV1;  // no version line: the text before it
  const std::string_view number = *claimed;
  constexpr size_t kMaxDigits = 9;
  const bool digits = !number.empty() && number.size() <= kMaxDigits && number[0] != '0' &&
                      number.find_first_not_of("0123456789") == std::string_view::npos;
  if (!digits) {
    return InvalidArgument("disclosure: the last line '" + std::string(last) +
                           "' names no version (expected a number without leading zeros)");
  }
  const int version = std::stoi(std::string(number));
  if (version <= kDisclosureV1 || version > kDisclosureVersion) {
    return InvalidArgument("disclosure: the last line claims version " + std::string(number) +
                           ", which this bank does not know (versions 1 to " +
                           std::to_string(kDisclosureVersion) + "; version 1 has no version line)");
  }
  return version;
}

}  // namespace figurant::consent
