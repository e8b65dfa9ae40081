import Foundation
import KefuDomain
import Testing

/// Issue 11's rules as pure functions: passwords, addresses, webhook destinations, masked search.
@Suite("Security rules (issue 11)")
struct SecurityRulesTests {
    static let list = CommonPasswords(["password", "admin", "kefu", "woaini", "qq123456789", "woaini1314", "sunshine"])

    @Test(
        "#5 the passwords of the finding and their kind are refused",
        arguments: [
            ("1234567890", "validation.password.sequence"), ("0987654321", "validation.password.sequence"),
            ("qwertyuiop", "validation.password.sequence"), ("1qaz2wsx3edc", "validation.password.sequence"),
            ("qwerty123456", "validation.password.sequence"), ("abcdefghijk", "validation.password.sequence"),
            ("aaaaaaaaaa", "validation.password.sequence"), ("1212121212", "validation.password.sequence"),
            ("abcabcabcabc", "validation.password.sequence"), ("密码密码密码密码密码", "validation.password.sequence"),
            ("password12", "validation.password.common"), ("Password2026!", "validation.password.common"),
            ("kefu123456", "validation.password.common"), ("admin12345", "validation.password.common"),
            ("woaini1314", "validation.password.common"), ("qq123456789", "validation.password.common"),
            ("!!Sunshine2026", "validation.password.common"),
        ])
    func refused(password: String, key: String) {
        #expect(PasswordPolicy.problem(with: password, common: Self.list) == key)
    }

    @Test("#5 the person's own username and name, with digits or symbols around them, are refused")
    func ownNames() {
        #expect(PasswordPolicy.problem(with: "zhangwei2026", username: "zhangwei") == "validation.password.is_username")
        #expect(
            PasswordPolicy.problem(with: "!!ZhangWei!!2026", username: "zhangwei") == "validation.password.is_username")
        #expect(PasswordPolicy.problem(with: "iewgnahz2026", username: "zhangwei") == "validation.password.is_username")
        #expect(
            PasswordPolicy.problem(with: "吴霞-20260101", username: "wuxia", displayName: "吴霞")
                == "validation.password.is_name")
        #expect(
            PasswordPolicy.problem(with: "Wu Xia 2026!!!", username: "x", displayName: "Wu Xia")
                == "validation.password.is_name")
    }

    @Test("#5 ordinary strong passwords, Chinese included, still pass")
    func accepted() {
        for password in [
            "客服测试密码-2026", "kefu-demo-2026", "吴霞的初始密码2026", "新的密码已经足够长了吗", "correct horse battery staple",
            "Tr0ub4dor&3-招商", "zhangwei-likes-tea-2026",
        ] {
            #expect(
                PasswordPolicy.problem(with: password, username: "zhangwei", displayName: "张伟", common: Self.list)
                    == nil, "\(password)")
        }
    }

    @Test("#5 the list reads one password a line, skips comments, and compares without case")
    func listFormat() {
        let list = CommonPasswords(text: "# comment\nWoAiNi1314\n\nqq123456\n")
        #expect(list.count == 2)
        #expect(list.contains("WOAINI1314") && list.contains("qq123456") && !list.contains("# comment"))
    }

    @Test(
        "#6 the client is the right-most address not among the trusted proxies, and only a trusted peer's header counts"
    )
    func forwardedFor() {
        let trusted = ["10.0.0.0/8", "2001:db8::/32"].compactMap(IPNetwork.init)
        #expect(
            ForwardedFor.clientAddress(
                peer: "10.0.0.2", forwardedFor: ["6.6.6.6, 198.51.100.7, 10.1.1.1"], trusted: trusted) == "198.51.100.7"
        )
        #expect(
            ForwardedFor.clientAddress(
                peer: "2001:db8::5", forwardedFor: ["6.6.6.6", "2400:cb00::1"], trusted: trusted) == "2400:cb00::1")
        #expect(
            ForwardedFor.clientAddress(peer: "198.51.100.9", forwardedFor: ["6.6.6.6"], trusted: trusted)
                == "198.51.100.9")
        #expect(
            ForwardedFor.clientAddress(peer: "10.0.0.2", forwardedFor: ["10.9.9.9"], trusted: trusted) == "10.9.9.9")
        #expect(
            ForwardedFor.clientAddress(peer: "10.0.0.2", forwardedFor: ["<script>"], trusted: trusted) == "10.0.0.2")
    }

    @Test(
        "#7 addresses off the public internet, in every spelling, are not public",
        arguments: [
            "127.0.0.1", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255", "224.0.0.1", "198.18.0.1", "192.0.2.1", "::1", "::", "fe80::1", "fc00::1",
            "fd12:3456::1", "ff02::1",
            "::ffff:127.0.0.1", "::ffff:a9fe:a9fe", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1",
            "2001:db8::1", "[::1]",
        ])
    func notPublic(address: String) throws {
        let parsed = try #require(IPAddress(address), "\(address) did not parse")
        #expect(!parsed.isPublic)
    }

    @Test("#7 public addresses are public")
    func publicAddresses() throws {
        for address in [
            "114.114.114.114", "1.1.1.1", "172.32.0.1", "2400:3200::1", "2606:4700:4700::1111", "::ffff:8.8.8.8",
        ] {
            #expect(try #require(IPAddress(address)).isPublic, "\(address)")
        }
    }

    @Test(
        "#7 octal, hexadecimal, short and decimal IPv4 spellings do not parse as addresses, and a host written so is refused",
        arguments: [
            "0177.0.0.1", "0x7f.0.0.1", "127.1", "2130706433", "2852039166", "0xa9fea9fe", "0251.0376.0251.0376",
            "127.0.0.01",
        ])
    func otherSpellings(host: String) {
        #expect(IPAddress(host) == nil)
        #expect(WebhookDestination.problem(host: host, port: nil) == "validation.webhook.destination")
    }

    @Test("#7 destinations: internal names and odd ports refused, public names allowed")
    func destinations() {
        for host in [
            "localhost", "localhost.", "kefu.localhost", "redis", "db.internal", "printer.local", "nas.lan", "[::1]",
            "[fd00::1]",
            "169.254.169.254", "xn--fiqs8s", "客服.中国",
        ] {
            #expect(WebhookDestination.problem(host: host, port: nil) == "validation.webhook.destination", "\(host)")
        }
        #expect(WebhookDestination.problem(host: "hooks.example.com", port: 6379) == "validation.webhook.port")
        #expect(WebhookDestination.problem(host: "hooks.example.com", port: 8443) == nil)
        #expect(WebhookDestination.problem(host: "qyapi.weixin.qq.com", port: nil) == nil)
        #expect(WebhookDestination.allowsResolved([IPAddress("114.114.114.114")!]))
        #expect(!WebhookDestination.allowsResolved([IPAddress("114.114.114.114")!, IPAddress("10.0.0.1")!]))
        #expect(!WebhookDestination.allowsResolved([]))
    }

    @Test("#2 the rows a viewer sees unmasked agree with the file view's rule for every role")
    func unmaskedRowsAgree() {
        for role in Role.allCases {
            let actor = Actor(staffID: 7, role: role, departmentID: 1)
            for responsible in [7, 8, nil] as [Int?] {
                let record = RecordFacts(responsibleStaffID: responsible, departmentID: 1)
                let full = ContactVisibility.decide(for: actor, on: record, revealed: false) == .full
                let listed: Bool =
                    switch ContactVisibility.unmaskedRows(for: actor) {
                    case .all: true
                    case .responsibleFor(let staffID): responsible == staffID
                    case .none: false
                    }
                #expect(full == listed, "\(role) on a file of \(String(describing: responsible))")
            }
        }
        #expect(
            MaskedSearch.mayMatchMasked(.mobileLastFour) && !MaskedSearch.mayMatchMasked(.wholeMobile)
                && !MaskedSearch.mayMatchMasked(.email))
    }
}
