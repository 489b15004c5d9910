// A production declaration: what a studio states about one of its productions — the facts a
// licence decision reads (media, territories, content categories), its title and its frame rate —
// signed by the studio with its own Ed25519 key (libsodium). The studio signs on its side; the
// bank stores the public key and the signature and verifies them each time it reads the
// production, so a registry row altered behind the bank's back no longer verifies.
//
// The signed message is domain-separated and canonical: the ASCII line
// "figurant-production-v1\n" followed by the compact JSON object (keys sorted, as
// nlohmann::json::dump writes it) {"content", "fps", "media", "production", "studio",
// "territories", "title"}, lists in their stated order and fps as FrameRate::Text ("24000/1001").
// docs/registry.md specifies it. Pure functions; thread-safe once InitCrypto() has run.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "core/frame_rate.h"
#include "core/status.h"

namespace figurant::consent {

struct ProductionDeclaration {
  std::string production_id;  // "prd_…", chosen by the declaring side
  std::string studio_id;      // "stu_…"
  std::string title;
  std::vector<std::string> media;        // every medium it is released in (KnownMedia)
  std::vector<std::string> territories;  // ["worldwide"] or ISO 3166-1 alpha-2 codes
  std::vector<std::string> content;      // content categories (KnownContentCategories)
  FrameRate frame_rate;                  // a standard rate (core/frame_rate.h)
};

struct SignedProduction {
  ProductionDeclaration declaration;
  std::array<uint8_t, kEd25519PublicKeyBytes> public_key{};  // the studio's
  std::array<uint8_t, kEd25519SignatureBytes> signature{};
};

// The exact bytes the studio signs.
std::string DeclarationMessage(const ProductionDeclaration& declaration);

// Signs `declaration` with the studio's key (its public half goes into the result).
SignedProduction SignProduction(ProductionDeclaration declaration, const SigningKeyPair& key);

// OK when the signature verifies under the declaration's own public key; DataLoss naming the
// production otherwise. Whether that key is the studio's is the caller's question.
Status VerifyProduction(const SignedProduction& production);

// InvalidArgument naming each bad field (title empty, media, territories or content outside their
// vocabularies, a production id not of the form prd_<16 hex>); OK otherwise.
Status ValidateDeclaration(const ProductionDeclaration& declaration);

}  // namespace figurant::consent
