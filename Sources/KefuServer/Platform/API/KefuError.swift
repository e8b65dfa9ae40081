import AsyncKit
import KefuDomain
import SQLiteNIO
import Vapor

/// An error meant for the person or program that made the request: a status, a stable code for
/// programs, a localization key for people, and per-field messages for forms.
public struct KefuError: Error, Sendable {
    public var status: HTTPResponseStatus
    public var code: String
    public var messageKey: String
    public var messageArguments: [String: String]
    /// Field name → localization key.
    public var fields: [String: String]
    /// Arguments of a field's message, when it names things (the documents still missing).
    public var fieldArguments: [String: [String: String]] = [:]
    public var headers: HTTPHeaders

    public init(
        _ status: HTTPResponseStatus, code: String, messageKey: String, arguments: [String: String] = [:],
        fields: [String: String] = [:], headers: HTTPHeaders = [:]
    ) {
        self.status = status
        self.code = code
        self.messageKey = messageKey
        self.messageArguments = arguments
        self.fields = fields
        self.headers = headers
    }

    public static func validation(_ errors: FieldErrors) -> KefuError {
        KefuError(
            .unprocessableEntity, code: "validation_failed", messageKey: "error.validation", fields: errors.messages)
    }

    public static let notFound = KefuError(.notFound, code: "not_found", messageKey: "error.not_found")
    public static let forbidden = KefuError(.forbidden, code: "forbidden", messageKey: "error.forbidden")
    public static let unauthorized = KefuError(.unauthorized, code: "unauthorized", messageKey: "error.unauthorized")
    public static let csrf = KefuError(.forbidden, code: "csrf_failed", messageKey: "error.csrf")

    public static func conflict(_ messageKey: String = "error.conflict") -> KefuError {
        KefuError(.conflict, code: "conflict", messageKey: messageKey)
    }

    public static func badRequest(_ messageKey: String = "error.bad_request") -> KefuError {
        KefuError(.badRequest, code: "bad_request", messageKey: messageKey)
    }

    /// A query string the server will not guess at (paging out of range, a search term too long):
    /// 400 with the parameters named, like a form's fields.
    public static func invalidQuery(_ errors: FieldErrors) -> KefuError {
        KefuError(.badRequest, code: "invalid_query", messageKey: "error.invalid_query", fields: errors.messages)
    }

    /// The server is saturated for a moment (all database connections or password checks in use):
    /// 503 with `Retry-After`, never a 500 — nothing went wrong and nothing was changed.
    public static func busy(retryAfterSeconds: Int) -> KefuError {
        KefuError(
            .serviceUnavailable, code: "busy", messageKey: "error.busy",
            headers: ["Retry-After": String(retryAfterSeconds)])
    }

    public static func tooManyRequests(retryAfterSeconds: Int) -> KefuError {
        let minutes = max(1, (retryAfterSeconds + 59) / 60)
        return KefuError(
            .tooManyRequests, code: "too_many_requests", messageKey: "error.too_many_attempts",
            arguments: ["minutes": String(minutes)], headers: ["Retry-After": String(retryAfterSeconds)]
        )
    }
}

/// An error of a part that knows how it is answered (a refusal with its reason in words).
protocol KefuErrorConvertible: Error {
    var kefuError: KefuError { get }
}

/// The one error shape of the JSON API: `{"error": {"code", "message", "fields"}}`.
struct APIErrorBody: Content {
    struct Detail: Content {
        var code: String
        var message: String
        var fields: [String: String]
    }
    var error: Detail
}

extension KefuError {
    /// Classifies any error thrown while handling a request.
    static func from(_ error: any Error) -> KefuError {
        switch error {
        case let error as KefuError:
            return error
        case let error as any KefuErrorConvertible:
            return error.kefuError
        case let errors as FieldErrors:
            return .validation(errors)
        case is ConnectionPoolTimeoutError:
            return .busy(retryAfterSeconds: 2)
        case let error as SQLiteError
        where [.busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked].contains(error.reason):
            // SQLite's write lock stayed taken beyond the busy timeout: saturation, and the
            // transaction was rolled back — nothing happened, so the client may try again.
            return .busy(retryAfterSeconds: 1)
        case is DecodingError:
            return KefuError(.badRequest, code: "malformed_body", messageKey: "error.malformed_body")
        case let abort as any AbortError:
            return from(status: abort.status, headers: abort.headers)
        default:
            return KefuError(.internalServerError, code: "internal_error", messageKey: "error.internal")
        }
    }

    static func from(status: HTTPResponseStatus, headers: HTTPHeaders = [:]) -> KefuError {
        switch status {
        case .notFound: return .notFound
        case .forbidden: return .forbidden
        case .unauthorized: return .unauthorized
        case .payloadTooLarge:
            return KefuError(.payloadTooLarge, code: "payload_too_large", messageKey: "error.payload_too_large")
        case .unsupportedMediaType:
            return KefuError(
                .unsupportedMediaType, code: "unsupported_media_type", messageKey: "error.unsupported_media_type")
        case .methodNotAllowed:
            return KefuError(.methodNotAllowed, code: "method_not_allowed", messageKey: "error.method_not_allowed")
        case .tooManyRequests:
            return KefuError(.tooManyRequests, code: "too_many_requests", messageKey: "error.too_many_requests")
        case .badRequest:
            return .badRequest()
        default:
            if status.code >= 500 {
                return KefuError(.internalServerError, code: "internal_error", messageKey: "error.internal")
            }
            return KefuError(status, code: "http_\(status.code)", messageKey: "error.bad_request", headers: headers)
        }
    }
}

/// The version a page form was read at. Every edit form carries it hidden; a form without one is
/// refused like the API's (422), not taken as a conflict or, worse, as "no check".
func requireFormVersion(_ version: Int?) throws -> Int {
    guard let version else { throw KefuError.validation(FieldErrors(["version": "validation.version_missing"])) }
    return version
}
