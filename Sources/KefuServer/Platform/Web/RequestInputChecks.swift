import Foundation
import KefuDomain
import Vapor

/// Decodes with a base decoder, then refuses any decoded text that holds control characters, naming
/// the field (issue 17 §4). Installed for every body and query media type in `configure`, so no
/// handler can forget it: the whole class of NUL-in-a-field is closed at the edge.
struct TextCheckingDecoder: ContentDecoder {
    let base: any ContentDecoder

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try checked(base.decode(decodable, from: body, headers: headers), body: body, headers: headers)
    }

    func decode<D: Decodable>(
        _ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders, userInfo: [CodingUserInfoKey: any Sendable]
    ) throws -> D {
        try checked(
            base.decode(decodable, from: body, headers: headers, userInfo: userInfo), body: body, headers: headers)
    }

    private func checked<D>(_ value: D, body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        // A JSON body whose text can hold no control character needs no walk over what it decoded to.
        if headers.contentType == .json, !TextInput.jsonMayHoldControlCharacters(body.readableBytesView) {
            return value
        }
        if let field = DecodedText.firstFieldWithControlCharacters(in: value) {
            throw FieldErrors([field.isEmpty ? "body" : field: "validation.control_characters"])
        }
        return value
    }
}

/// The same check for `req.query.decode(_:)`.
struct TextCheckingQueryDecoder: URLQueryDecoder {
    let base: any URLQueryDecoder

    func decode<D: Decodable>(_ decodable: D.Type, from url: URI) throws -> D {
        try checked(base.decode(decodable, from: url))
    }

    func decode<D: Decodable>(_ decodable: D.Type, from url: URI, userInfo: [CodingUserInfoKey: any Sendable]) throws
        -> D
    {
        try checked(base.decode(decodable, from: url, userInfo: userInfo))
    }

    private func checked<D>(_ value: D) throws -> D {
        if let field = DecodedText.firstFieldWithControlCharacters(in: value) {
            throw KefuError.invalidQuery(FieldErrors([field: "validation.control_characters"]))
        }
        return value
    }
}

enum DecodedText {
    /// The dotted path of the first text inside `value` that holds a control character. Walks
    /// structs, optionals, arrays and dictionaries a few levels deep; file contents are bytes, not
    /// text, and are left to their own checks.
    static func firstFieldWithControlCharacters(in value: Any, path: String = "", depth: Int = 0) -> String? {
        if let text = value as? String { return TextInput.hasControlCharacters(text) ? path : nil }
        if value is ByteBuffer || value is Data || depth > 6 { return nil }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional, .collection, .set:
            for child in mirror.children {
                if let found = firstFieldWithControlCharacters(in: child.value, path: path, depth: depth + 1) {
                    return found
                }
            }
        case .dictionary:
            for pair in mirror.children {
                for part in Mirror(reflecting: pair.value).children {
                    if let found = firstFieldWithControlCharacters(in: part.value, path: path, depth: depth + 1) {
                        return found
                    }
                }
            }
        case .struct, .class:
            for child in mirror.children {
                let label = (child.label ?? "").trimmingPrefix("_")
                let childPath = path.isEmpty ? String(label) : path + "." + label
                if let found = firstFieldWithControlCharacters(in: child.value, path: childPath, depth: depth + 1) {
                    return found
                }
            }
        default:
            break
        }
        return nil
    }

    /// Replaces the application's decoders with checking ones (once: configure may run again in tests).
    static func install() {
        var configuration = ContentConfiguration.global
        for mediaType in [HTTPMediaType.json, .jsonAPI, .urlEncodedForm, .formData, .plainText] {
            guard let decoder = try? configuration.requireDecoder(for: mediaType), !(decoder is TextCheckingDecoder)
            else { continue }
            configuration.use(decoder: TextCheckingDecoder(base: decoder), for: mediaType)
        }
        if let query = try? configuration.requireURLDecoder(), !(query is TextCheckingQueryDecoder) {
            configuration.use(urlDecoder: TextCheckingQueryDecoder(base: query))
        }
        ContentConfiguration.global = configuration
    }
}

/// Refuses a query string Kefu will not act on before any handler reads it: a value with control
/// characters, a search term over `TextInput.maximumSearchLength`, any other value over
/// `TextInput.maximumQueryValueLength` — 400 with the parameter named (issue 17 §5).
struct QueryLimitsMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let query = request.url.query, !query.isEmpty {
            var errors = FieldErrors()
            for (name, value) in request.queryParameters.all {
                // The address to go back to has its own, stricter check: a bad one is ignored and the
                // person lands on the default page (issue 11 #1), rather than on an error.
                if name == "next", value.count <= TextInput.maximumQueryValueLength { continue }
                if let problem = TextInput.queryValueProblem(name: name, value: value) { errors.add(name, problem) }
            }
            if !errors.isEmpty { throw KefuError.invalidQuery(errors) }
        }
        return try await next.respond(to: request)
    }
}
