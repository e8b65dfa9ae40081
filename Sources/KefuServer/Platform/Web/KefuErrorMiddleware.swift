import Vapor

/// Turns every error into what its audience reads: the JSON error shape under `/api`, a localized
/// page elsewhere, a return to sign-in when a page needs a session (issue 2 §6, §7). Unexpected
/// errors are logged with the request id and shown without internals.
struct KefuErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            return await errorResponse(for: error, request: request)
        }
        return response
    }

    private func errorResponse(for error: any Error, request: Request) async -> Response {
        let kefuError = KefuError.from(error)
        if kefuError.status == .internalServerError {
            request.logger.error("unhandled error: \(String(reflecting: error))")
        } else if kefuError.status == .serviceUnavailable {
            // Saturation is an operator's concern, not a bug: say what was full and how it is set.
            request.logger.warning(
                "busy, answered 503",
                metadata: [
                    "cause": .string(String(reflecting: error)), "path": .string(request.url.path),
                    "databasePool": .string(DatabaseSetup.poolDescription(request.application)),
                    "passwordHashingAdmitted": .stringConvertible(request.kefu.passwordHashing.admittedCount),
                ])
        } else {
            request.logger.debug("refused: \(kefuError.code)")
        }
        let conflict = error as? RecordConflict
        if request.isAPI || request.headers.accept.mediaTypes.first == .json {
            let response = apiResponse(kefuError, request: request)
            // The one conflict shape: the error and the record as it is now (S6).
            if let conflict, let detail = try? response.content.decode(APIErrorBody.self).error,
                let answer = try? await conflict.apiResponse(detail, for: request)
            {
                return answer
            }
            return response
        }
        if kefuError.status == .unauthorized, request.method == .GET {
            return request.redirect(to: SiteURL.login(next: request.intendedAddress))
        }
        do {
            // What was wrong with which value, in words: "搜索内容最多 100 个字符。" rather than only
            // "请求参数有误" (the parameter's name is for programs, the message for people).
            let details = kefuError.fields.sorted { $0.key < $1.key }.map {
                request.t($0.value, kefuError.fieldArguments[$0.key] ?? [:])
            }
            var body = ErrorPage(
                status: Int(kefuError.status.code), titleKey: "error.title.\(kefuError.status.code)",
                messageKey: kefuError.messageKey, arguments: kefuError.messageArguments, details: details
            )
            if let conflict { body.conflict = try await conflict.pageView(for: request) }
            let response = try await request.renderPage(
                "errors/error", titleKey: body.titleKey, body, status: kefuError.status
            )
            response.headers.add(contentsOf: kefuError.headers)
            return response
        } catch {
            request.logger.error("error page failed to render: \(String(reflecting: error))")
            let response = Response(status: kefuError.status, body: .init(string: request.t(kefuError.messageKey)))
            response.headers.contentType = .plainText
            return response
        }
    }

    private func apiResponse(_ error: KefuError, request: Request) -> Response {
        let localizer = request.kefu.localizer
        let language = request.language
        let body = APIErrorBody(
            error: .init(
                code: error.code,
                message: localizer.text(error.messageKey, language, error.messageArguments),
                fields: Dictionary(
                    uniqueKeysWithValues: error.fields.map { field, key in
                        (field, localizer.text(key, language, error.fieldArguments[field] ?? [:]))
                    })
            ))
        let response = Response(status: error.status)
        try? response.content.encode(body, as: .json)
        response.headers.add(contentsOf: error.headers)
        return response
    }
}

struct ErrorPage: Encodable {
    var status: Int
    var titleKey: String
    var messageKey: String
    var arguments: [String: String]
    var details: [String] = []
    /// Someone changed the record meanwhile: what they changed and what was typed.
    var conflict: ConflictView? = nil

    /// The message with its arguments filled in, for templates (`#t` takes fixed argument names).
    var minutes: String { arguments["minutes"] ?? "" }
}
