// The route table's handlers, one file per audience. Each runs after Authorise, with the bank
// locked, and returns a Reply or a Status the server turns into an error reply. A handler may open
// the bank's ledger (Bank::Ledger); the server closes it after every request.
#pragma once

#include "api/routes.h"

namespace figurant::api::internal {

// handlers_session.cpp: log-in and the session itself.
// A session for `who`: the reply every way of logging in ends with (the session and CSRF
// cookies, and the CSRF token in the body).
Result<Reply> SessionStarted(Call& call, const Principal& who);
Result<Reply> IssueChallenge(Call& call);
Result<Reply> LogIn(Call& call);
Result<Reply> ShowSession(Call& call);
Result<Reply> LogOut(Call& call);
// Public and rate-limited: a one-time sign-in code (api/sign_in.h) starts a session.
Result<Reply> LogInWithCode(Call& call);

// handlers_passkey.cpp: passkeys made and used in the browser (docs/passkeys.md; docs/api.md,
// "Passkeys"). Public and rate-limited: enrolment with a one-time code and log-in; the performer's
// own: the challenge of a consent and the consent signed with it.
Result<Reply> PasskeyEnrolmentOptions(Call& call);
Result<Reply> EnrolPasskey(Call& call);
Result<Reply> PasskeyLogInOptions(Call& call);
Result<Reply> LogInWithPasskey(Call& call);
Result<Reply> PasskeyConsentRequest(Call& call);
Result<Reply> SignLicenceWithPasskey(Call& call);

// handlers_operator.cpp: the bank's administration.
Result<Reply> ListPerformers(Call& call);
Result<Reply> AddPerformer(Call& call);
Result<Reply> ListStudios(Call& call);
Result<Reply> AddStudio(Call& call);
Result<Reply> ListUsers(Call& call);
Result<Reply> AddUser(Call& call);
Result<Reply> ListErasureRequests(Call& call);
Result<Reply> InviteSigner(Call& call);
Result<Reply> ListInvites(Call& call);
// A one-time sign-in code for the {user} (api/sign_in.h), shown once.
Result<Reply> IssueSignInCode(Call& call);
// Public and rate-limited, beside the invites it answers (docs/api.md, "Invites and enrolment").
Result<Reply> Enrol(Call& call);

// handlers_performer.cpp: a performer's own data.
Result<Reply> ShowProfile(Call& call);
Result<Reply> ListDoubles(Call& call);
Result<Reply> ListLicences(Call& call);
Result<Reply> ListOffers(Call& call);
Result<Reply> ShowLicence(Call& call);
Result<Reply> RevokeLicence(Call& call);
Result<Reply> StatementJson(Call& call);
Result<Reply> StatementCsv(Call& call);
// docs/ledger.md, "Appearances": the same billed units as the statement; each shot with the
// performer's appearance crop when one is kept (docs/portal.md, "Appearance crops"), else null.
Result<Reply> Appearances(Call& call);
// (Each shot also has `production_title`, as the statement's lines do.)
Result<nlohmann::json> AppearancesWithCrops(Call& call, const std::string& performer);
// The performer's statement, each production line with the production's registered title
// (`production_title`, null for an id the registry does not hold).
Result<nlohmann::json> PerformerStatementWithTitles(Call& call, const std::string& performer);
// `licence` (a licence's JSON) with `suspensions` [{from, until}] and `suspended` from the ledger,
// as the performer's licence routes and the studio's offers give them.
Status AddSuspensions(bank::Bank& bank, nlohmann::json& licence);
// The crop's PNG, decrypted from the performer's store.
Result<Reply> AppearanceCrop(Call& call);
Result<Reply> RequestErasure(Call& call);

// handlers_consent.cpp: the performer's consent in their own hands (docs/api.md, "Signing,
// declining and suspending through the API"). Every document that records consent is signed on
// the performer's device; the bank verifies it.
// The offer document the device signs: consent::OfferJson, the bytes of `licence offer --out`.
Result<Reply> ShowOfferDocument(Call& call);
// A consent signature document (consent::ParseConsentSignature) for the {licence} draft.
Result<Reply> SignLicence(Call& call);
// Declines the {licence} draft, with an optional reason (Bank::DeclineLicence).
Result<Reply> DeclineOffer(Call& call);
// The statement request (consent::StatementRequestJson) to suspend or resume {licence}.
Result<Reply> RequestSuspension(Call& call);
// A signed statement of the performer's own kinds (suspend/resume, join/leave a union).
Result<Reply> RecordPerformerStatement(Call& call);
// The statement request to join or leave a union.
Result<Reply> RequestMembership(Call& call);

// handlers_export.cpp: a performer's data, all of it (GDPR art. 15 and 20; docs/api.md, "Your
// data: the export"). DoubleMesh answers the double's geometry as a .glb (interchange::EncodeGlb);
// ExportPerformer one JSON document, format "figurant-performer-export-v1", that names each
// double's mesh route.
Result<Reply> DoubleMesh(Call& call);
Result<Reply> ExportPerformer(Call& call);
// The double's portrait by Figurant's renderer (render::RenderThumbnailPng), kThumbnailWidth ×
// kThumbnailHeight pixels as image/png, rendered on its first request and then answered from
// ServerState::thumbnails; FailedPrecondition (409) for a placeholder without geometry.
inline constexpr int kThumbnailWidth = 96, kThumbnailHeight = 128;
Result<Reply> DoubleThumbnail(Call& call);

// handlers_studio.cpp: a studio's productions, offers and usage.
Result<Reply> ListProductions(Call& call);
Result<Reply> ListStudioOffers(Call& call);
Result<Reply> MakeOffer(Call& call);
Result<Reply> ProductionUsage(Call& call);
// The disclosure MakeOffer's draft would carry, {disclosure, disclosure_sha256, language},
// storing nothing (Bank::PrepareDraft); the same body and refusals as MakeOffer.
Result<Reply> PreviewOffer(Call& call);
// Offers the terms of {licence}, signed under an older disclosure, again with the current one
// (Bank::ReofferLicence): 201 Licence + disclosure (the new draft); 409 with the bank's reason.
Result<Reply> ReofferLicence(Call& call);

// handlers_ledger.cpp: what a union auditor checks.
Result<Reply> ExportLedger(Call& call);
Result<Reply> VerifyLedger(Call& call);
Result<Reply> ProveEntry(Call& call);
// The largest export an auditor may upload. [Units: bytes]
inline constexpr size_t kMaxLedgerUploadBytes = size_t{256} * 1024 * 1024;
// A ledger export the auditor uploads (Call::raw_body), verified as `figurant ledger verify
// EXPORT` verifies it, against the bank's public key: every record, the hash chain, every signed
// head (ledger::VerifyLog), then every consent and statement re-verified under the key its signer
// held then (ledger::AuditConsents). 200 with the report; 400 naming the body and the first entry
// that fails, and why.
Result<Reply> VerifyUploadedLedger(Call& call);

// handlers_union.cpp: a union auditor's own union — members' totals, strikes (docs/api.md,
// "Union audit").
Result<Reply> ListMembers(Call& call);
Result<Reply> ListStrikes(Call& call);
Result<Reply> StrikeRequest(Call& call);
Result<Reply> RecordStrike(Call& call);

}  // namespace figurant::api::internal
