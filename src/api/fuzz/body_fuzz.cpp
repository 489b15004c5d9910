// libFuzzer target for what the API does with a request body before any bank call: ParseBody,
// the typed field readers every handler uses, licence terms inside an offer (consent::ParseTerms)
// and the error reply built from whatever message results. None may crash, hang or leak; every
// refusal must be an InvalidArgument whose reply names a field or none.
//   scripts/fuzz.sh api [SECONDS]
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/body.h"
#include "consent/terms.h"
#include "core/crypto.h"

namespace {

using figurant::api::BodyFields;

// Reads `body` the way the handlers do, with a field program chosen by `selector`.
figurant::Status ReadFields(const nlohmann::json& body, uint8_t selector) {
  BodyFields f(body);
  switch (selector % 4) {
    case 0: {  // log-in
      auto user = f.RequiredString("user");
      auto challenge = f.RequiredString("challenge");
      auto signature = f.RequiredHex("signature", figurant::kEd25519SignatureBytes);
      if (!user.ok() || !challenge.ok() || !signature.ok()) return user.status();
      break;
    }
    case 1: {  // performer add
      auto name = f.RequiredString("name");
      auto email = f.OptionalString("email");
      auto synthetic = f.OptionalBool("synthetic");
      if (!name.ok() || !email.ok() || !synthetic.ok()) return name.status();
      break;
    }
    case 2: {  // offer: the terms go through the licence terms parser
      auto performer = f.RequiredString("performer");
      auto terms = f.RequiredObject("terms");
      if (terms.ok()) {
        auto parsed = figurant::consent::ParseTerms(*terms, "terms", "stu_0123456789abcdef");
        if (!parsed.ok()) return parsed.status();
      }
      if (!performer.ok()) return performer.status();
      break;
    }
    default: {  // user add
      auto role = f.RequiredString("role");
      auto subject = f.OptionalString("subject");
      auto key = f.RequiredHex("public_key", figurant::kEd25519PublicKeyBytes);
      if (!role.ok() || !subject.ok() || !key.ok()) return role.status();
      break;
    }
  }
  return f.Finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto parsed = figurant::api::ParseBody(body);
  figurant::Status s = parsed.ok() ? ReadFields(*parsed, data[0]) : parsed.status();
  if (!s.ok()) {
    if (s.code() != figurant::StatusCode::kInvalidArgument) __builtin_trap();
    // As Reply::Json writes it (api/routes.cpp): never throwing on bad UTF-8 in a message.
    const std::string reply = figurant::api::ErrorJson("INVALID_ARGUMENT", s.message())
                                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (reply.empty()) __builtin_trap();
  }
  return 0;
}
