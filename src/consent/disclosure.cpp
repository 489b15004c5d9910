#include "consent/disclosure.h"

#include <cmath>
#include <cstdio>

#include "consent/internal/iso_tables.h"

namespace figurant::consent {
namespace {

struct Words {
  std::string_view en;
  std::string_view fr;
};

std::string_view Pick(const Words& w, Language l) { return l == Language::kFrench ? w.fr : w.en; }

Words MediumWords(std::string_view m) {
  if (m == "theatrical") return {"cinema release (theatrical)", "sortie en salles de cinéma"};
  if (m == "streaming") return {"streaming services", "plateformes de streaming"};
  if (m == "broadcast") return {"television broadcast", "diffusion télévisée"};
  if (m == "home_video")
    return {"home video (DVD, Blu-ray, digital purchase)",
            "vidéo à domicile (DVD, Blu-ray, achat numérique)"};
  if (m == "festival") return {"film festivals", "festivals de cinéma"};
  if (m == "online") return {"online and social media", "internet et réseaux sociaux"};
  if (m == "in_flight")
    return {"in-flight and on-board screening", "projection à bord (avions, trains)"};
  return {m, m};
}

Words ContentWords(std::string_view c) {
  if (c == "violence") return {"violence", "violence"};
  if (c == "nudity") return {"nudity", "nudité"};
  if (c == "sexual_content") return {"sexual content", "contenu sexuel"};
  if (c == "political") return {"political content", "contenu politique"};
  if (c == "religious") return {"religious content", "contenu religieux"};
  if (c == "advertising") return {"advertising", "publicité"};
  if (c == "drugs") return {"drug use", "consommation de drogues"};
  if (c == "tobacco") return {"tobacco use", "consommation de tabac"};
  if (c == "horror") return {"horror", "horreur"};
  return {c, c};
}

Words UseWords(Use u) {
  switch (u) {
    case Use::kBackground:
      return {"background (an unnamed extra in a crowd, not featured)",
              "arrière-plan (figurant anonyme dans une foule, non mis en avant)"};
    case Use::kFeaturedBackground:
      return {"featured background (noticeable in the shot, without lines or a named role)",
              "arrière-plan mis en avant (visible dans le plan, sans texte ni rôle nommé)"};
    case Use::kPrincipal:
      return {"principal", "rôle principal"};
  }
  return {"", ""};
}

Words AlterationWords(Alteration a) {
  switch (a) {
    case Alteration::kWardrobeTint:
      return {"changing the colour of the clothes", "changer la couleur des vêtements"};
    case Alteration::kBodyScale:
      return {"changing body size and proportions",
              "modifier la taille et les proportions du corps"};
    case Alteration::kFace:
      return {"changing the face", "modifier le visage"};
  }
  return {"", ""};
}

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

}  // namespace

std::string_view LanguageCode(Language l) { return l == Language::kFrench ? "fr" : "en"; }

std::optional<Language> ParseLanguage(std::string_view code) {
  if (code == "en") return Language::kEnglish;
  if (code == "fr") return Language::kFrench;
  return std::nullopt;
}

std::string Disclosure(const Terms& t, const DisclosureNames& n, Language l) {
  const bool fr = l == Language::kFrench;
  std::string out;
  auto para = [&out](const std::string& s) { out += s + "\n\n"; };

  // Heading and parties.
  out += fr ? "LICENCE D'UTILISATION DE VOTRE DOUBLE NUMÉRIQUE\n\n"
            : "LICENCE TO USE YOUR DIGITAL DOUBLE\n\n";
  if (n.signed_by_estate) {
    para(fr ? "Cette licence est accordée par la succession de " + n.performer_name + " (" +
                  n.estate_name + "), au studio " + n.studio_name + "."
            : "This licence is granted by the estate of " + n.performer_name + " (" +
                  n.estate_name + ") to the studio " + n.studio_name + ".");
  } else {
    para(fr ? n.performer_name + ", en signant, vous autorisez le studio " + n.studio_name +
                  " à utiliser votre double numérique (la copie 3D de votre corps issue de votre "
                  "scan) selon les conditions ci-dessous, et seulement selon elles."
            : n.performer_name + ", by signing you allow the studio " + n.studio_name +
                  " to use your digital double (the 3D copy of your body made from your scan) on "
                  "the terms below, and only on those terms.");
  }

  // Productions.
  if (t.all_productions) {
    para(
        fr ? "PRODUCTIONS : TOUTES. Ceci est une autorisation générale : le studio pourra utiliser "
             "votre double dans n'importe laquelle de ses productions, y compris des productions "
             "qui n'existent pas encore et dont vous ne connaissez ni le titre ni le contenu."
           : "PRODUCTIONS: ANY. This is a blanket grant: the studio may use your double in any of "
             "its productions, including productions that do not exist yet and whose title and "
             "content you do not know.");
  } else {
    out += fr ? "PRODUCTIONS : votre double peut apparaître uniquement dans :\n"
              : "PRODUCTIONS: your double may appear only in:\n";
    for (const std::string& id : t.productions) {
      const auto it = n.production_titles.find(id);
      out += Bullet(it != n.production_titles.end() ? "\"" + it->second + "\" (" + id + ")" : id);
    }
    out += "\n";
  }

  // Uses.
  std::vector<std::string> uses;
  for (Use u : t.uses) uses.emplace_back(Pick(UseWords(u), l));
  para((fr ? "UTILISATION : " : "USE: ") + List(uses, l) + "." +
       (fr ? " Jamais dans un rôle principal ni avec du texte."
           : " Never as a principal role or with lines."));

  // Media and territories.
  std::vector<std::string> media;
  for (const std::string& m : t.media) media.emplace_back(Pick(MediumWords(m), l));
  para((fr ? "SUPPORTS : " : "MEDIA: ") + List(media, l) + ".");
  std::vector<std::string> territories;
  for (const std::string& terr : t.territories) territories.push_back(CountryName(terr, l));
  para((fr ? "TERRITOIRES : " : "TERRITORIES: ") + List(territories, l) + ".");

  // Term.
  if (t.valid_until) {
    para(fr ? "DURÉE : du " + FormatDate(t.valid_from, l) + " au " + FormatDate(*t.valid_until, l) +
                  " inclus. Après cette date, votre double ne peut plus être utilisé dans de "
                  "nouvelles images."
            : "TERM: from " + FormatDate(t.valid_from, l) + " to " + FormatDate(*t.valid_until, l) +
                  " inclusive. After that date your double may not be used in any new images.");
  } else {
    para(
        fr ? "DURÉE : à partir du " + FormatDate(t.valid_from, l) +
                 ", SANS DATE DE FIN. Ceci est une licence perpétuelle : elle ne s'arrête jamais "
                 "d'elle-même ; seule une révocation (si elle est permise ci-dessous) y met fin."
           : "TERM: from " + FormatDate(t.valid_from, l) +
                 ", WITH NO END DATE. This is a perpetual licence: it never ends by itself; only a "
                 "revocation (if allowed below) ends it.");
  }

  // Screen size.
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.0f", t.max_screen_height_fraction * 100.0);
  para(fr ? std::string("TAILLE À L'ÉCRAN : votre double ne doit jamais dépasser ") + pct +
                " % de la hauteur de l'image. Plus grand, il cesserait d'être un figurant "
                "d'arrière-plan et ne peut pas être rendu."
          : std::string("SIZE ON SCREEN: your double may never be taller than ") + pct +
                "% of the frame height. Larger than that it would stop being background, and it "
                "will not be rendered.");

  // Alterations.
  if (t.alterations.empty()) {
    para(fr ? "MODIFICATIONS : aucune. Votre double sera montré tel que scanné, vêtements compris."
            : "CHANGES: none. Your double will be shown exactly as scanned, clothes included.");
  } else {
    std::vector<std::string> alts;
    for (Alteration a : t.alterations) alts.emplace_back(Pick(AlterationWords(a), l));
    para((fr ? "MODIFICATIONS PERMISES : " : "CHANGES ALLOWED: ") + List(alts, l) + "." +
         (fr ? " Aucune autre modification." : " No other change."));
  }

  // Excluded content.
  if (t.excluded_content.empty()) {
    para(fr ? "CONTENUS EXCLUS : aucun. Votre double peut apparaître dans des scènes de tout type."
            : "EXCLUDED CONTENT: none. Your double may appear in scenes of any kind.");
  } else {
    std::vector<std::string> ex;
    for (const std::string& c : t.excluded_content) ex.emplace_back(Pick(ContentWords(c), l));
    para((fr ? "CONTENUS EXCLUS : votre double ne sera jamais utilisé dans une production "
               "comportant : "
             : "EXCLUDED CONTENT: your double will never be used in a production containing: ") +
         List(ex, l) + ".");
  }

  // Compensation.
  const Compensation& c = t.compensation;
  out += fr ? "RÉMUNÉRATION :\n" : "PAYMENT:\n";
  out += Bullet(fr ? "frais de scan, payés une fois : " + FormatAmount(c.scan_fee, c.currency, l)
                   : "scan fee, paid once: " + FormatAmount(c.scan_fee, c.currency, l));
  out += Bullet(fr ? "par production dans laquelle votre double apparaît : " +
                         FormatAmount(c.per_production_fee, c.currency, l)
                   : "for each production your double appears in: " +
                         FormatAmount(c.per_production_fee, c.currency, l));
  out +=
      Bullet(fr ? "par seconde à l'écran : " + FormatAmount(c.per_screen_second, c.currency, l)
                : "for each second on screen: " + FormatAmount(c.per_screen_second, c.currency, l));
  out += Bullet(fr ? "minimum garanti par production : " +
                         FormatAmount(c.minimum_per_production, c.currency, l)
                   : "guaranteed minimum per production: " +
                         FormatAmount(c.minimum_per_production, c.currency, l));
  out += fr ? "Chaque image où votre double apparaît est comptée dans un registre infalsifiable "
              "que vous pouvez consulter.\n\n"
            : "Every frame in which your double appears is counted in a tamper-evident ledger "
              "that you can inspect.\n\n";

  // Revocation.
  if (t.revocable) {
    const std::string days = std::to_string(t.revocation_notice_days);
    para(fr ? "RÉVOCATION : vous pouvez retirer votre consentement à tout moment. Le retrait prend "
              "effet " +
                  days +
                  " jours après votre demande ; ensuite, plus aucune nouvelle image "
                  "de votre double ne peut être produite."
            : "REVOCATION: you may withdraw your consent at any time. Withdrawal takes effect " +
                  days +
                  " days after you ask; after that no new images of your double may be made.");
  } else {
    para(fr ? "RÉVOCATION : IMPOSSIBLE. Vous ne pourrez pas retirer votre consentement pendant la "
              "durée de la licence."
            : "REVOCATION: NOT POSSIBLE. You will not be able to withdraw your consent for the "
              "whole "
              "term of this licence.");
  }

  // Biometric data retention (Illinois BIPA asks for a published schedule).
  const std::string years = std::to_string(n.retention_years);
  para(fr ? "DONNÉES BIOMÉTRIQUES : votre scan et votre double sont chiffrés. Ils seront effacés " +
                years +
                " ans après la fin de votre dernière licence, ou plus tôt si vous le "
                "demandez (sauf si une licence en cours en a encore besoin)."
          : "BIOMETRIC DATA: your scan and double are stored encrypted. They will be erased " +
                years +
                " years after your last licence ends, or sooner if you ask (unless a "
                "licence still in force needs them).");

  // AB 2602: wider than the engagement.
  if (t.wider_than_engagement()) {
    para(fr ? "ATTENTION : cette licence couvre plus que la production pour laquelle vous avez été "
              "engagé(e). En Californie (loi AB 2602), de telles clauses ne sont pas opposables si "
              "vous n'étiez pas représenté(e) par un syndicat ou un avocat lors de la signature. "
              "Nous vous conseillons de vous faire représenter avant de signer."
            : "WARNING: this licence covers more than the production you were engaged for. In "
              "California (law AB 2602) such terms are unenforceable unless you were represented "
              "by a union or a lawyer when you signed. We advise you to get representation before "
              "signing.");
  }
  return out;
}

}  // namespace figurant::consent
