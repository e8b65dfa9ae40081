import Foundation
import KefuDomain
import Testing

/// The chat robots' request bodies, signatures and URLs, and the webhook settings form (S4).
@Suite("Webhook messages and settings (S4)")
struct NotificationWebhookTests {
    /// 2026-11-29T01:30:00Z, 09:30 in Shanghai.
    static let occurredAt = Date(timeIntervalSince1970: 1_795_915_800)
    static let notice = WebhookNotice(
        event: .promisedReplyOverdue, title: "待回复承诺已超时",
        lines: ["客户：苏州恒达精密机械有限公司", "承诺回复时间：2026-11-29 09:30"],
        link: "https://kefu.example.com/promised-replies/42", occurredAt: occurredAt,
        messageKey: "reminder.title.promised_reply.overdue", messageArgs: ["number": "ZX-2026-000042"]
    )

    static func body(_ notice: WebhookNotice, _ platform: WebhookPlatform, signature: WebhookSignature? = nil) throws
        -> String
    {
        String(decoding: try WebhookMessages.body(notice, platform: platform, signature: signature), as: UTF8.self)
    }

    /// The body for the fixed notice.
    static func body(_ platform: WebhookPlatform, signature: WebhookSignature? = nil) throws -> String {
        try body(notice, platform, signature: signature)
    }

    static func messages<Value>(_ result: Result<Value, FieldErrors>) -> [String: String] {
        guard case .failure(let errors) = result else { return [:] }
        return errors.messages
    }

    // MARK: Bodies

    @Test("WeCom: a markdown message with the title in bold, the lines quoted and the link last")
    func weComBody() throws {
        #expect(
            try Self.body(.wecom) == #"""
                {"markdown":{"content":"**待回复承诺已超时**\n> 客户：苏州恒达精密机械有限公司\n> 承诺回复时间：2026-11-29 09:30\n[查看详情](https://kefu.example.com/promised-replies/42)"},"msgtype":"markdown"}
                """#)
        let signature = WebhookSignature(timestamp: Self.occurredAt, value: "ignored")
        #expect(try Self.body(.wecom, signature: signature) == Self.body(.wecom))
    }

    @Test(
        "WeCom: content over 4096 UTF-8 bytes is cut at a whole character, keeping title and link",
        arguments: [
            ("字", 1342, 4094), ("😀", 1007, 4096),
        ])
    func weComTruncation(character: String, kept: Int, bytes: Int) throws {
        let notice = WebhookNotice(
            event: .followUpOverdue, title: "提醒", lines: ["短行", String(repeating: character, count: 2000), "不会出现的第三行"],
            link: "https://kefu.example.com/x", occurredAt: Self.occurredAt
        )
        let content =
            "**提醒**\n> 短行\n> " + String(repeating: character, count: kept) + "…\n[查看详情](https://kefu.example.com/x)"
        #expect(content.utf8.count == bytes)
        #expect(
            try Self.body(notice, .wecom) == #"{"markdown":{"content":""#
                + content.replacingOccurrences(of: "\n", with: #"\n"#)
                + #""},"msgtype":"markdown"}"#)
    }

    @Test("WeCom: a title alone never exceeds the limit either")
    func weComHugeTitle() throws {
        let notice = WebhookNotice(
            event: .test, title: String(repeating: "题", count: 3000), lines: ["行"], link: nil,
            occurredAt: Self.occurredAt)
        let body = try WebhookMessages.body(notice, platform: .wecom, signature: nil)
        struct Message: Decodable {
            struct Markdown: Decodable { var content: String }
            var markdown: Markdown
        }
        let content = try JSONDecoder().decode(Message.self, from: body).markdown.content
        #expect(content == "**" + String(repeating: "题", count: 1364) + "**")
        #expect(content.utf8.count == 4096)
    }

    @Test("DingTalk: a markdown message with a level-4 heading, a list and the link")
    func dingTalkBody() throws {
        let expected = ##"""
            {"markdown":{"text":"#### 待回复承诺已超时\n\n- 客户：苏州恒达精密机械有限公司\n- 承诺回复时间：2026-11-29 09:30\n\n[查看详情](https://kefu.example.com/promised-replies/42)","title":"待回复承诺已超时"},"msgtype":"markdown"}
            """##
        #expect(try Self.body(.dingtalk) == expected)
    }

    @Test("markdown lines stay one line each; a notice without link or lines leaves them out")
    func markdownLineBreaks() throws {
        let notice = WebhookNotice(
            event: .test, title: "测试消息", lines: ["第一行\n续行"], link: nil, occurredAt: Self.occurredAt)
        let dingTalk = #####"{"markdown":{"text":"#### 测试消息\n\n- 第一行 续行","title":"测试消息"},"msgtype":"markdown"}"#####
        #expect(try Self.body(notice, .dingtalk) == dingTalk)
        #expect(try Self.body(notice, .wecom) == #"{"markdown":{"content":"**测试消息**\n> 第一行 续行"},"msgtype":"markdown"}"#)
        let bare = WebhookNotice(
            event: .test, title: "测试消息", lines: [], link: "https://kefu.example.com/", occurredAt: Self.occurredAt)
        let bareDingTalk =
            #####"{"markdown":{"text":"#### 测试消息\n\n[查看详情](https://kefu.example.com/)","title":"测试消息"},"msgtype":"markdown"}"#####
        #expect(try Self.body(bare, .dingtalk) == bareDingTalk)
    }

    @Test("Feishu: a post message, one paragraph per line and a link paragraph")
    func feishuBody() throws {
        #expect(
            try Self.body(.feishu) == #"""
                {"content":{"post":{"zh_cn":{"content":[[{"tag":"text","text":"客户：苏州恒达精密机械有限公司"}],[{"tag":"text","text":"承诺回复时间：2026-11-29 09:30"}],[{"href":"https://kefu.example.com/promised-replies/42","tag":"a","text":"查看详情"}]],"title":"待回复承诺已超时"}}},"msg_type":"post"}
                """#)
    }

    @Test("Feishu signed: the timestamp as a string of seconds and the sign at the top level")
    func feishuSignedBody() throws {
        let signature = WebhookSignature(timestamp: Date(timeIntervalSince1970: 1_795_915_800.75), value: "qF3+/aBc=")
        #expect(
            try Self.body(.feishu, signature: signature) == #"""
                {"content":{"post":{"zh_cn":{"content":[[{"tag":"text","text":"客户：苏州恒达精密机械有限公司"}],[{"tag":"text","text":"承诺回复时间：2026-11-29 09:30"}],[{"href":"https://kefu.example.com/promised-replies/42","tag":"a","text":"查看详情"}]],"title":"待回复承诺已超时"}}},"msg_type":"post","sign":"qF3+/aBc=","timestamp":"1795915800"}
                """#)
    }

    @Test(
        "JSON: the event, title, lines, link, the time in UTC and the title's key and arguments (null and none before keys)"
    )
    func jsonBody() throws {
        #expect(
            try Self.body(.json) == #"""
                {"event":"promised_reply.overdue","lines":["客户：苏州恒达精密机械有限公司","承诺回复时间：2026-11-29 09:30"],"link":"https://kefu.example.com/promised-replies/42","messageArgs":{"number":"ZX-2026-000042"},"messageKey":"reminder.title.promised_reply.overdue","occurredAt":"2026-11-29T01:30:00Z","title":"待回复承诺已超时"}
                """#)
        let quoted = WebhookNotice(
            event: .webInquiryWaiting, title: "网站咨询\"待分配\"", lines: [], link: nil,
            occurredAt: Date(timeIntervalSince1970: 1_709_179_199.9)
        )
        #expect(
            try Self.body(quoted, .json)
                == #"{"event":"web_inquiry.waiting","lines":[],"link":null,"messageArgs":{},"messageKey":null,"occurredAt":"2024-02-29T03:59:59Z","title":"网站咨询\"待分配\""}"#
        )
    }

    @Test("the link label is the server's localized text when given")
    func localizedLinkText() throws {
        var notice = Self.notice
        notice.linkText = "View details"
        notice.lines = []
        #expect(
            try Self.body(notice, .wecom)
                == #"{"markdown":{"content":"**待回复承诺已超时**\n[View details](https://kefu.example.com/promised-replies/42)"},"msgtype":"markdown"}"#
        )
    }

    // MARK: Signatures and URLs

    @Test("signing inputs: DingTalk over milliseconds and secret, Feishu keyed by seconds and secret, WeCom unsigned")
    func signingInputs() throws {
        let timestamp = Date(timeIntervalSince1970: 1_795_915_800.123)
        let dingTalk = try #require(
            WebhookMessages.signingInput(platform: .dingtalk, secret: "SECabc123", timestamp: timestamp))
        #expect(dingTalk.key == "SECabc123")
        #expect(dingTalk.message == "1795915800123\nSECabc123")
        let feishu = try #require(
            WebhookMessages.signingInput(platform: .feishu, secret: "fs-secret", timestamp: timestamp))
        #expect(feishu.key == "1795915800\nfs-secret")
        #expect(feishu.message == "")
        #expect(WebhookMessages.signingInput(platform: .wecom, secret: "whatever", timestamp: timestamp) == nil)
        #expect(WebhookMessages.signingInput(platform: .json, secret: "whatever", timestamp: timestamp) == nil)
    }

    @Test("JSON receivers: the signature covers seconds and the exact body, sent as t=…,v1=…")
    func jsonSigning() throws {
        let timestamp = Date(timeIntervalSince1970: 1_795_915_800.9)
        let body = try WebhookMessages.body(Self.notice, platform: .json, signature: nil)
        #expect(
            WebhookMessages.jsonSigningMessage(timestamp: timestamp, body: body)
                == "1795915800." + String(decoding: body, as: UTF8.self))
        #expect(
            WebhookMessages.jsonSigningMessage(timestamp: timestamp, body: Data(#"{"a":"中"}"#.utf8))
                == #"1795915800.{"a":"中"}"#)
        #expect(WebhookMessages.jsonSignatureHeaderName == "X-Kefu-Signature")
        #expect(
            WebhookMessages.jsonSignatureHeader(timestamp: timestamp, hexDigest: "9f86d081884c7d65")
                == "t=1795915800,v1=9f86d081884c7d65")
    }

    @Test("DingTalk: timestamp in milliseconds and the url-encoded sign follow the access token")
    func dingTalkURL() throws {
        let configured = try #require(URL(string: "https://oapi.dingtalk.com/robot/send?access_token=abc123"))
        let signature = WebhookSignature(timestamp: Date(timeIntervalSince1970: 1_795_915_800.123), value: "a+b/c9=")
        #expect(
            WebhookMessages.url(configured, platform: .dingtalk, signature: signature).absoluteString
                == "https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1795915800123&sign=a%2Bb%2Fc9%3D"
        )

        let pasted = try #require(
            URL(string: "https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1&sign=old"))
        #expect(
            WebhookMessages.url(pasted, platform: .dingtalk, signature: signature).absoluteString
                == "https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1795915800123&sign=a%2Bb%2Fc9%3D"
        )
        #expect(WebhookMessages.url(configured, platform: .dingtalk, signature: nil) == configured)
    }

    @Test("other platforms post to the configured URL as it is")
    func unchangedURLs() throws {
        let signature = WebhookSignature(timestamp: Self.occurredAt, value: "a+b/c9=")
        for (platform, text) in [
            (WebhookPlatform.wecom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"),
            (.feishu, "https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c"),
            (.json, "https://hooks.example.com/kefu"),
        ] {
            let configured = try #require(URL(string: text))
            #expect(WebhookMessages.url(configured, platform: platform, signature: signature) == configured)
        }
    }

    // MARK: Settings form

    @Test("a valid WeCom robot: trimmed, unsigned, events in a fixed order without repeats")
    func validWeCom() throws {
        let settings = try WebhookValidation.validate(
            WebhookDraft(
                name: " 招商一部群 ", platform: "wecom",
                url: " https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx ",
                secret: "  ", events: ["follow_up.due", "promised_reply.overdue", "follow_up.due"], isActive: true
            )
        ).get()
        #expect(
            settings
                == WebhookSettings(
                    name: "招商一部群", platform: .wecom,
                    url: URL(string: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx")!,
                    secret: nil, events: [.promisedReplyOverdue, .followUpDue], isActive: true
                ))
    }

    @Test(
        "valid robots on each platform's hosts, Lark included, and a JSON receiver on the public internet",
        arguments: [
            ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc123"),
            ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c"),
            ("feishu", "https://open.larksuite.com/open-apis/bot/v2/hook/0f1e2d3c"),
            ("json", "https://hooks.example.com/kefu"), ("json", "https://hooks.example.com:8443/kefu"),
            ("json", "https://114.114.114.114/hook"),
            ("wecom", "HTTPS://QYAPI.WEIXIN.QQ.COM/cgi-bin/webhook/send?key=1"),
        ])
    func validPlatforms(platform: String, url: String) throws {
        let settings = try WebhookValidation.validate(
            WebhookDraft(
                name: "客服部提醒", platform: platform, url: url, secret: "SECabc123", events: ["web_inquiry.waiting"],
                isActive: false
            )
        ).get()
        #expect(settings.platform.rawValue == platform)
        #expect(settings.secret == "SECabc123")
        #expect(settings.events == [.webInquiryWaiting])
        #expect(settings.isActive == false)
    }

    @Test("an empty form gets a message on every required field")
    func emptyForm() {
        #expect(
            Self.messages(WebhookValidation.validate(WebhookDraft())) == [
                "name": "validation.required", "platform": "validation.required", "url": "validation.required",
                "events": "validation.webhook.events",
            ])
    }

    @Test("bad values are refused field by field")
    func badValues() {
        #expect(
            Self.messages(
                WebhookValidation.validate(
                    WebhookDraft(
                        name: String(repeating: "群", count: 65), platform: "slack",
                        url: "https://hooks.slack.com/services/x",
                        secret: String(repeating: "s", count: 129), events: ["test"]
                    ))) == [
                    "name": "validation.too_long", "platform": "validation.choose_from_list",
                    "secret": "validation.too_long",
                    "events": "validation.webhook.events",
                ])
        #expect(
            Self.messages(
                WebhookValidation.validate(
                    WebhookDraft(
                        name: String(repeating: "群", count: 64), platform: "json",
                        url: "https://hooks.example.com/kefu",
                        secret: String(repeating: "s", count: 128), events: ["follow_up.due", "follow_up.forgotten"]
                    ))) == ["events": "validation.webhook.events"])
    }

    @Test(
        "a webhook URL must be https and parse",
        arguments: [
            "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "ftp://qyapi.weixin.qq.com/x",
            "qyapi.weixin.qq.com/cgi-bin/webhook/send",
            "企业微信机器人", "https://", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a b",
            "https://user:pw@qyapi.weixin.qq.com/x",
            "http://192.168.1.10/hook",
        ])
    func badURLs(url: String) {
        #expect(
            Self.messages(
                WebhookValidation.validate(
                    WebhookDraft(
                        name: "群机器人", platform: "wecom", url: url, events: ["follow_up.due"]
                    ))) == ["url": "validation.webhook.url"])
    }

    @Test(
        "a robot URL must be on its platform's host",
        arguments: [
            ("wecom", "https://oapi.dingtalk.com/robot/send?access_token=1"),
            ("dingtalk", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1"),
            ("feishu", "https://open.feishu.cn.example.com/open-apis/bot/v2/hook/1"),
            ("dingtalk", "https://dingtalk.com/robot/send"),
        ])
    func hostMismatch(platform: String, url: String) {
        #expect(
            Self.messages(
                WebhookValidation.validate(
                    WebhookDraft(
                        name: "群机器人", platform: platform, url: url, events: ["follow_up.due"]
                    ))) == ["url": "validation.webhook.host_mismatch"])
    }
}
