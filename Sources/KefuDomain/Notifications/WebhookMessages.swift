import Foundation

/// The chat robots (and the plain JSON receiver) a webhook can post to (S4).
public enum WebhookPlatform: String, CaseIterable, Codable, Sendable {
    case wecom, dingtalk, feishu, json
}

/// What happened, already localized by the server, to be posted to a team's chat.
public struct WebhookNotice: Equatable, Sendable {
    /// The label of the link to the record when the server gives none: the chat platforms' own
    /// Chinese wording, as the robots' messages are read in the Chinese clients.
    public static let defaultLinkText = "查看详情"

    public var event: ReminderEvent
    public var title: String
    public var lines: [String]
    /// The record's page in Kefu, absolute.
    public var link: String?
    /// The label of ``link`` in the chat messages (the localized "view details").
    public var linkText: String
    public var occurredAt: Date
    /// The title as Kefu stores it (issue 9 §7): its localization key, so that a receiver can put it in
    /// words of its own; nil for a notice queued before titles were stored as keys.
    public var messageKey: String?
    /// The title's arguments, values shown as they are (names, numbers, dates).
    public var messageArgs: [String: String]

    public init(
        event: ReminderEvent, title: String, lines: [String], link: String?,
        linkText: String = WebhookNotice.defaultLinkText,
        occurredAt: Date, messageKey: String? = nil, messageArgs: [String: String] = [:]
    ) {
        self.event = event
        self.title = title
        self.lines = lines
        self.link = link
        self.linkText = linkText
        self.occurredAt = occurredAt
        self.messageKey = messageKey
        self.messageArgs = messageArgs
    }

    /// ``messageArgs`` as a JSON object with sorted keys, as the delivery queue stores it.
    public var messageArgsJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(messageArgs)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Arguments read back from their stored JSON; unreadable ones as none.
    public static func messageArgs(fromJSON json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }
}

/// A computed signature: the moment it was computed for and its value (base64 of the HMAC-SHA256 for
/// DingTalk and Feishu, lower-case hex for the JSON receiver).
public struct WebhookSignature: Equatable, Sendable {
    public var timestamp: Date
    public var value: String

    public init(timestamp: Date, value: String) {
        self.timestamp = timestamp
        self.value = value
    }
}

/// The requests the chat robots accept, in each platform's documented format. The server computes
/// the HMAC (the domain has no crypto) over ``signingInput(platform:secret:timestamp:)``, then asks
/// for the ``body(_:platform:signature:)`` and the ``url(_:platform:signature:)`` to post.
public enum WebhookMessages {
    /// WeCom refuses markdown content longer than this many UTF-8 bytes.
    public static let weComMarkdownLimit = 4096

    /// The header the JSON receiver's signature travels in: `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
    public static let jsonSignatureHeaderName = "X-Kefu-Signature"

    /// The request body as JSON (UTF-8, sorted keys, "/" not escaped) for `platform`. Only Feishu
    /// carries the signature in the body; DingTalk's goes in the URL, the JSON receiver's in a header.
    public static func body(_ notice: WebhookNotice, platform: WebhookPlatform, signature: WebhookSignature?) throws
        -> Data
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch platform {
        case .wecom: return try encoder.encode(WeComMarkdown(notice))
        case .dingtalk: return try encoder.encode(DingTalkMarkdown(notice))
        case .feishu: return try encoder.encode(FeishuPost(notice, signature: signature))
        case .json: return try encoder.encode(JSONNotice(notice))
        }
    }

    /// The key and message of the HMAC-SHA256 a platform checks; the server base64-encodes the result
    /// into a ``WebhookSignature``:
    /// - DingTalk: key = secret, message = `"<unix milliseconds>\n<secret>"`; the signature goes in
    ///   the URL (``url(_:platform:signature:)``).
    /// - Feishu: key = `"<unix seconds>\n<secret>"`, message = empty; the signature goes in the body
    ///   as "timestamp" (a string of seconds) and "sign".
    /// - WeCom group robot: not signed (the key is part of the URL) → nil.
    /// - JSON receiver: the message contains the body → nil here; use
    ///   ``jsonSigningMessage(timestamp:body:)`` with the secret as key.
    public static func signingInput(platform: WebhookPlatform, secret: String, timestamp: Date) -> (
        key: String, message: String
    )? {
        switch platform {
        case .dingtalk: (key: secret, message: "\(unixMilliseconds(timestamp))\n\(secret)")
        case .feishu: (key: "\(unixSeconds(timestamp))\n\(secret)", message: "")
        case .wecom, .json: nil
        }
    }

    /// The message the JSON receiver's HMAC-SHA256 is computed over, with the webhook's secret as key:
    /// `"<unix seconds>.<body>"`, the body exactly as sent. The hex digest goes in
    /// ``jsonSignatureHeader(timestamp:hexDigest:)``.
    public static func jsonSigningMessage(timestamp: Date, body: Data) -> String {
        "\(unixSeconds(timestamp))." + String(decoding: body, as: UTF8.self)
    }

    /// The value of the ``jsonSignatureHeaderName`` header: `t=<unix seconds>,v1=<hex digest>`.
    public static func jsonSignatureHeader(timestamp: Date, hexDigest: String) -> String {
        "t=\(unixSeconds(timestamp)),v1=\(hexDigest)"
    }

    /// The URL to post to. DingTalk gets `timestamp` (milliseconds) and `sign` (the base64 signature,
    /// percent-encoded so "+", "/" and "=" survive) appended to the configured query, replacing any
    /// left from a pasted signed URL and keeping `access_token`; the others post to the configured URL.
    public static func url(_ configured: URL, platform: WebhookPlatform, signature: WebhookSignature?) -> URL {
        guard platform == .dingtalk, let signature,
            var components = URLComponents(url: configured, resolvingAgainstBaseURL: false)
        else { return configured }
        var items = (components.percentEncodedQuery ?? "").split(separator: "&").map(String.init).filter { item in
            let name = item.split(separator: "=", maxSplits: 1).first.map(String.init) ?? item
            return name != "timestamp" && name != "sign"
        }
        items.append("timestamp=\(unixMilliseconds(signature.timestamp))")
        items.append(
            "sign=" + (signature.value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? signature.value))
        components.percentEncodedQuery = items.joined(separator: "&")
        return components.url ?? configured
    }

    static func unixSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// Rounded to the nearest millisecond, so float noise in a date read back from storage does not
    /// shift it by one.
    static func unixMilliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// RFC 3986 unreserved characters: what form-style URL encoding (DingTalk's `urlEncode`) leaves as is.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

// MARK: - Platform formats

/// A line of a markdown message: a line break inside it would end the quote or list item it sits in.
private func markdownLine(_ text: String) -> String {
    text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: " ")
}

/// The longest prefix of whole characters of `text` within `maxBytes` UTF-8 bytes.
private func utf8Prefix(_ text: String, maxBytes: Int) -> String {
    var bytes = 0
    var end = text.startIndex
    for index in text.indices {
        let size = text[index].utf8.count
        guard bytes + size <= maxBytes else { break }
        bytes += size
        end = text.index(after: index)
    }
    return String(text[..<end])
}

/// WeCom group robot, markdown message:
/// https://developer.work.weixin.qq.com/document/path/91770
/// `{"msgtype":"markdown","markdown":{"content":"**title**\n> line\n[查看详情](link)"}}`, content at
/// most 4096 UTF-8 bytes: lines that do not fit are cut (marked "…") or left out, the title and the
/// link are kept.
private struct WeComMarkdown: Encodable {
    struct Markdown: Encodable { var content: String }
    var msgtype = "markdown"
    var markdown: Markdown

    init(_ notice: WebhookNotice) {
        let ellipsis = "…", quote = "\n> "
        let footer = notice.link.map { "\n[\(markdownLine(notice.linkText))](\($0))" } ?? ""
        let header =
            "**"
            + utf8Prefix(
                markdownLine(notice.title), maxBytes: max(0, WebhookMessages.weComMarkdownLimit - 4 - footer.utf8.count)
            ) + "**"
        var content = header
        var room = WebhookMessages.weComMarkdownLimit - header.utf8.count - footer.utf8.count
        for line in notice.lines.map(markdownLine) {
            let quoted = quote + line
            if quoted.utf8.count <= room {
                content += quoted
                room -= quoted.utf8.count
                continue
            }
            let cut = utf8Prefix(quoted, maxBytes: room - ellipsis.utf8.count)
            if cut.utf8.count > quote.utf8.count { content += cut + ellipsis }
            break
        }
        markdown = Markdown(content: content + footer)
    }
}

/// DingTalk custom robot, markdown message:
/// https://open.dingtalk.com/document/robots/custom-robot-access
/// `{"msgtype":"markdown","markdown":{"title":…,"text":"#### title\n\n- line\n- line\n\n[查看详情](link)"}}`.
/// The title is what the conversation list shows; the text is the message.
private struct DingTalkMarkdown: Encodable {
    struct Markdown: Encodable {
        var title: String
        var text: String
    }
    var msgtype = "markdown"
    var markdown: Markdown

    init(_ notice: WebhookNotice) {
        var sections = ["#### " + markdownLine(notice.title)]
        if !notice.lines.isEmpty {
            sections.append(notice.lines.map { "- " + markdownLine($0) }.joined(separator: "\n"))
        }
        if let link = notice.link { sections.append("[\(markdownLine(notice.linkText))](\(link))") }
        markdown = Markdown(title: notice.title, text: sections.joined(separator: "\n\n"))
    }
}

/// Feishu (Lark) custom bot, rich-text ("post") message:
/// https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
/// `{"msg_type":"post","content":{"post":{"zh_cn":{"title":…,"content":[[{"tag":"text","text":line}],
/// …,[{"tag":"a","text":"查看详情","href":link}]]}}}}`, one paragraph per line, and when signed
/// `"timestamp"` (a string of Unix seconds) and `"sign"` at the top level.
private struct FeishuPost: Encodable {
    struct Element: Encodable {
        var tag: String
        var text: String
        var href: String?
    }
    struct Post: Encodable {
        var title: String
        var content: [[Element]]
    }
    struct Languages: Encodable {
        var simplifiedChinese: Post
        enum CodingKeys: String, CodingKey { case simplifiedChinese = "zh_cn" }
    }
    struct Content: Encodable {
        var post: Languages
    }

    var messageType = "post"
    var content: Content
    var timestamp: String?
    var sign: String?

    enum CodingKeys: String, CodingKey { case messageType = "msg_type", content, timestamp, sign }

    init(_ notice: WebhookNotice, signature: WebhookSignature?) {
        var paragraphs = notice.lines.map { [Element(tag: "text", text: $0)] }
        if let link = notice.link { paragraphs.append([Element(tag: "a", text: notice.linkText, href: link)]) }
        content = Content(post: Languages(simplifiedChinese: Post(title: notice.title, content: paragraphs)))
        timestamp = signature.map { String(WebhookMessages.unixSeconds($0.timestamp)) }
        sign = signature?.value
    }
}

/// Kefu's own format for any receiver: `{"event","title","lines","link" (or null),"occurredAt",
/// "messageKey" (or null),"messageArgs"}`, the time in ISO 8601 UTC to the second
/// ("2026-11-29T01:30:00Z"); the title's key and arguments next to its text (issue 9 §7), so that a
/// receiver can show it in a language of its own. The chat robots' formats are the platforms' own and
/// carry the text only.
private struct JSONNotice: Encodable {
    var notice: WebhookNotice

    init(_ notice: WebhookNotice) { self.notice = notice }

    enum CodingKeys: String, CodingKey { case event, title, lines, link, occurredAt, messageKey, messageArgs }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(notice.event.rawValue, forKey: .event)
        try container.encode(notice.title, forKey: .title)
        try container.encode(notice.lines, forKey: .lines)
        if let link = notice.link {
            try container.encode(link, forKey: .link)
        } else {
            try container.encodeNil(forKey: .link)
        }
        try container.encode(Self.utcTimestamp(notice.occurredAt), forKey: .occurredAt)
        if let key = notice.messageKey {
            try container.encode(key, forKey: .messageKey)
        } else {
            try container.encodeNil(forKey: .messageKey)
        }
        try container.encode(notice.messageArgs, forKey: .messageArgs)
    }

    /// `yyyy-MM-dd'T'HH:mm:ss'Z'`, by arithmetic rather than a shared formatter (Howard Hinnant's
    /// `civil_from_days`, the inverse of ``LocalDateTime/daysSinceEpoch(year:month:day:)``).
    static func utcTimestamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let secondOfDay = seconds - days * 86_400
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return
            "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }
}

// MARK: - Settings

/// A webhook as the settings form gives it.
public struct WebhookDraft: Sendable {
    public var name: String
    public var platform: String
    public var url: String
    public var secret: String
    /// Raw values of ``ReminderEvent``, as the form's checkboxes send them.
    public var events: [String]
    public var isActive: Bool

    public init(
        name: String = "", platform: String = "", url: String = "", secret: String = "", events: [String] = [],
        isActive: Bool = true
    ) {
        self.name = name
        self.platform = platform
        self.url = url
        self.secret = secret
        self.events = events
        self.isActive = isActive
    }
}

/// A validated webhook.
public struct WebhookSettings: Equatable, Sendable {
    public var name: String
    public var platform: WebhookPlatform
    public var url: URL
    /// The signing secret; nil when the robot is not signed.
    public var secret: String?
    /// The events posted, in ``ReminderEvent/allCases`` order, without repeats.
    public var events: [ReminderEvent]
    public var isActive: Bool

    public init(
        name: String, platform: WebhookPlatform, url: URL, secret: String?, events: [ReminderEvent], isActive: Bool
    ) {
        self.name = name
        self.platform = platform
        self.url = url
        self.secret = secret
        self.events = events
        self.isActive = isActive
    }
}

/// S4: checks a webhook before it is saved, so reminders are not lost to a mistyped address.
public enum WebhookValidation {
    /// The hosts each platform's robots post to (Feishu's international edition is Lark).
    public static let platformHosts: [WebhookPlatform: Set<String>] = [
        .wecom: ["qyapi.weixin.qq.com"],
        .dingtalk: ["oapi.dingtalk.com"],
        .feishu: ["open.feishu.cn", "open.larksuite.com"],
    ]

    /// Name required, at most 64 characters; platform from the list; URL an absolute https URL
    /// ("validation.webhook.url") on the platform's host ("validation.webhook.host_mismatch") and
    /// port, to a destination on the public internet ("validation.webhook.destination", see
    /// ``WebhookDestination``); secret at most 128 characters, empty meaning none; at least one event,
    /// each a ``ReminderEvent`` other than `test` ("validation.webhook.events").
    public static func validate(_ draft: WebhookDraft) -> Result<WebhookSettings, FieldErrors> {
        var errors = FieldErrors()
        let name = draft.name.trimmed
        if name.isEmpty { errors.add("name", "validation.required") }
        if name.count > 64 { errors.add("name", "validation.too_long") }

        let platform = WebhookPlatform(rawValue: draft.platform.trimmed)
        if platform == nil {
            errors.add(
                "platform", draft.platform.trimmed.isEmpty ? "validation.required" : "validation.choose_from_list")
        }

        let urlText = draft.url.trimmed
        var url: URL?
        if urlText.isEmpty {
            errors.add("url", "validation.required")
        } else if let parsed = webhookURL(urlText) {
            url = parsed.url
            if let platform, let hosts = platformHosts[platform], !hosts.contains(parsed.host) {
                errors.add("url", "validation.webhook.host_mismatch")
            } else if let platform, platformHosts[platform] != nil, let port = parsed.port, port != 443 {
                errors.add("url", "validation.webhook.port")
            } else if let problem = WebhookDestination.problem(host: parsed.host, port: parsed.port) {
                errors.add("url", problem)
            }
        } else {
            errors.add("url", "validation.webhook.url")
        }

        let secret = draft.secret.trimmed
        if secret.count > 128 { errors.add("secret", "validation.too_long") }

        let chosen = Set(draft.events.map(\.trimmed).filter { !$0.isEmpty })
        let events = ReminderEvent.allCases.filter { $0 != .test && chosen.contains($0.rawValue) }
        if events.isEmpty || events.count != chosen.count { errors.add("events", "validation.webhook.events") }

        guard errors.isEmpty, let platform, let url else { return .failure(errors) }
        return .success(
            WebhookSettings(
                name: name, platform: platform, url: url, secret: secret.isEmpty ? nil : secret, events: events,
                isActive: draft.isActive
            ))
    }

    /// An absolute https URL with a host and nothing that a browser would have to repair (spaces,
    /// control characters), without user or password.
    static func webhookURL(_ text: String) -> (url: URL, host: String, port: Int?)? {
        guard
            !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }),
            let components = URLComponents(string: text), components.scheme?.lowercased() == "https",
            let host = components.host?.lowercased(), !host.isEmpty, components.user == nil, components.password == nil,
            let url = components.url
        else { return nil }
        return (url, host, components.port)
    }
}

/// Where Kefu may post (issue 11 #7): only to the public internet, so a webhook cannot make the server
/// reach its own loopback services, the cloud's metadata address or the office network, nor serve as
/// a port scanner. Checked on the URL when saved; the sender checks again every address the name
/// resolves to, and connects to the address it checked.
public enum WebhookDestination {
    /// HTTPS's port, and the one other port receivers commonly listen on.
    public static let allowedPorts: Set<Int> = [443, 8443]

    /// Name suffixes that never lead to the public internet.
    static let internalSuffixes = [
        "localhost", "local", "localdomain", "internal", "intranet", "lan", "home", "corp", "private", "arpa", "test",
        "invalid",
    ]

    /// The localization key of what is wrong with the host and port, or nil when Kefu may post there.
    public static func problem(host rawHost: String, port: Int?) -> String? {
        if let port, !allowedPorts.contains(port) { return "validation.webhook.port" }
        var host = rawHost.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let address = IPAddress(host) { return address.isPublic ? nil : "validation.webhook.destination" }
        // Anything else must be a plain DNS name of at least two labels.
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }),
            labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }), let last = labels.last
        else { return "validation.webhook.destination" }
        // A numeric last label is an address in another spelling (127.1, 2130706433, 0x7f.0.0.1,
        // 0177.0.0.1): resolvers accept those, so only the canonical form above is allowed.
        if last.allSatisfy(\.isNumber) || last.hasPrefix("0x") { return "validation.webhook.destination" }
        if internalSuffixes.contains(String(last)) { return "validation.webhook.destination" }
        return nil
    }

    /// Whether every address a name resolved to may be posted to; an empty answer may not.
    public static func allowsResolved(_ addresses: [IPAddress]) -> Bool {
        !addresses.isEmpty && addresses.allSatisfy(\.isPublic)
    }
}
