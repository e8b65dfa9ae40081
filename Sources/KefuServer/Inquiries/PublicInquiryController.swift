import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The public inquiry form (在线咨询): a page without sign-in for the website or a tablet at
/// reception, and the same as JSON. Consent to the privacy notice is required; an address may submit
/// a few times in ten minutes; a hidden field catches robots; bodies are small.
struct PublicInquiryController: RouteCollection {
    static let maximumBody = ByteCount(value: CSRFMiddleware.anonymousBodyLimit)

    struct Form: Content {
        var name: String?
        var mobile: String?
        var company: String?
        var intent: String?
        var question: String?
        var consent: String?
        /// The honeypot: hidden from people by CSS, named to tempt robots.
        var website: String?
        /// `inquiry` (the default) or `complaint` (issue 13 §1: 我要投诉).
        var kind: String?

        var draft: PublicInquiryDraft {
            PublicInquiryDraft(
                name: name ?? "", mobile: mobile ?? "", company: company ?? "", intent: intent ?? "",
                question: question ?? "",
                consent: ["on", "true", "1", "yes"].contains(consent ?? ""), honeypot: website ?? "")
        }
    }

    struct Receipt: Content { var number: String }

    struct Page: Encodable {
        var form: [String: String]
        var intents: [ChoiceOption]
        var errors: [String: String] = [:]
        var noticeVersion: String
        var number: String?
        var hasNumber: Bool
        var limited = false
        var kinds: [ChoiceOption] = []
        var isComplaint = false
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.open().get(.inquire, use: show)
        routes.open().on(.POST, .inquire, body: .collect(maxSize: Self.maximumBody), use: submitPage)
        routes.grouped("api", "v1").open().on(
            .POST, "public", "inquiries", body: .collect(maxSize: Self.maximumBody), use: submitAPI)
    }

    private func page(_ req: Request, form: Form = Form(), number: String? = nil) -> Page {
        var page = Page(
            form: [
                "name": form.name ?? "", "mobile": form.mobile ?? "", "company": form.company ?? "",
                "question": form.question ?? "",
            ],
            intents: ChoiceOption.list(
                CustomerVocabulary.industries, labelPrefix: "customer.industry", selected: form.intent ?? ""),
            noticeVersion: req.kefu.configuration.inquiries.privacyNoticeVersion, number: number,
            hasNumber: number != nil
        )
        page.kinds = ChoiceOption.list(
            ["inquiry", "complaint"], labelPrefix: "public_inquiry.kind", selected: form.kind ?? "inquiry")
        page.isComplaint = form.kind == "complaint"
        return page
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await req.renderPage("inquiries/public", titleKey: "public_inquiry.title", page(req))
    }

    /// The route's own limit: earlier middleware may have read a body up to the server-wide limit.
    private func checkSize(_ req: Request) throws {
        if (req.body.data?.readableBytes ?? 0) > Self.maximumBody.value {
            throw KefuError(.payloadTooLarge, code: "payload_too_large", messageKey: "error.payload_too_large")
        }
    }

    @Sendable func submitPage(req: Request) async throws -> Response {
        try checkSize(req)
        let form = try req.content.decode(Form.self)
        do {
            let number = try await submit(form.draft, kind: form.kind, req)
            var done = page(req, number: number)
            done.isComplaint = form.kind == "complaint"
            return try await req.renderPage(
                "inquiries/public", titleKey: "public_inquiry.title", done, status: .created)
        } catch let errors as FieldErrors {
            var page = page(req, form: form)
            page.errors = errors.messages
            return try await req.renderPage(
                "inquiries/public", titleKey: "public_inquiry.title", page, status: .unprocessableEntity)
        } catch let error as KefuError where error.status == .tooManyRequests {
            var page = page(req, form: form)
            page.limited = true
            let response = try await req.renderPage(
                "inquiries/public", titleKey: "public_inquiry.title", page, status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: "600")
            return response
        }
    }

    @Sendable func submitAPI(req: Request) async throws -> Response {
        try checkSize(req)
        let form = try req.content.decode(Form.self)
        return try await Receipt(number: try await submit(form.draft, kind: form.kind, req)).encodeResponse(
            status: .created, for: req)
    }

    /// Checks, counts and stores a submission; returns the number the visitor is given.
    private func submit(_ draft: PublicInquiryDraft, kind: String?, _ req: Request) async throws -> String {
        let inquiry: PublicInquiry
        switch PublicInquiryValidation.validate(draft) {
        case .success(let valid):
            guard ["", "inquiry", "complaint"].contains(kind ?? "") else {
                throw FieldErrors(["kind": "validation.choose_from_list"])
            }
            inquiry = valid
        case .failure(var errors):
            if !["", "inquiry", "complaint"].contains(kind ?? "") { errors.add("kind", "validation.choose_from_list") }
            throw errors
        }
        // Counted in the database: the limit holds however many instances serve the form (issue 11 #6).
        let limit = RateLimit(
            bucket: "public_form", limit: req.kefu.configuration.inquiries.submissionsPerAddress, window: 600)
        guard try await limit.admit(req.clientAddress, now: req.now, on: req.db) else {
            throw KefuError(
                .tooManyRequests, code: "too_many_submissions", messageKey: "error.public_inquiry.too_many",
                headers: ["Retry-After": "600"])
        }
        // A robot gets a number that looks real and nothing is stored.
        if PublicInquiryValidation.isRobot(draft) {
            req.logger.info("public inquiry honeypot filled", metadata: ["address": .string(req.clientAddress)])
            return (kind == "complaint" ? ComplaintKind.numbering! : InquiryKind.numbering!).format(
                year: RecordNumbers.year(of: req.now), value: Int.random(in: 100_000...999_999))
        }
        if kind == "complaint" {
            return try await PublicComplaint(database: req.db).file(
                inquiry, noticeVersion: req.kefu.configuration.inquiries.privacyNoticeVersion, context: req.auditContext
            )
        }
        let store = InquiryStore(database: req.db)
        let settings = req.kefu.configuration.inquiries
        let (id, number) = try await store.submit(
            inquiry, noticeVersion: settings.privacyNoticeVersion, address: req.clientAddress, context: req.auditContext
        )
        try await InquiryRouting.assignByRule(
            id, intent: inquiry.intent, settings: settings, on: req.db, context: req.auditContext, logger: req.logger)
        return number
    }
}

/// Applies the configured assignment rule to a new public-form inquiry.
enum InquiryRouting {
    static func assignByRule(
        _ id: Int, intent: String?, settings: KefuConfiguration.InquirySettings, on database: any Database,
        context: AuditContext, logger: Logger
    ) async throws {
        guard settings.assignment != .manual else { return }
        let specialists = try await database.sql().raw(
            """
            SELECT id, username FROM staff WHERE role = 'specialist' AND is_active = \(bind: true) ORDER BY id
            """
        ).all().map { (try $0.decode(column: "id", as: Int.self), try $0.decode(column: "username", as: String.self)) }
        let byName = Dictionary(specialists.map { ($0.1, $0.0) }, uniquingKeysWith: { first, _ in first })
        let store = InquiryStore(database: database)
        guard
            let staffID = InquiryAssignment.assignee(
                rule: settings.assignment, intent: intent,
                industryMap: settings.industryMap.compactMapValues { byName[$0] },
                lastAssigned: try await store.lastAssignedStaffID(), activeSpecialists: specialists.map(\.0)
            )
        else { return }
        do {
            _ = try await store.assign(id, to: staffID, keepOwner: true, context: context)
        } catch {
            // The inquiry stays in the queue for the supervisor; the visitor has their number.
            logger.warning(
                "public inquiry could not be assigned by rule",
                metadata: ["inquiry": .stringConvertible(id), "error": "\(error)"])
        }
    }
}
