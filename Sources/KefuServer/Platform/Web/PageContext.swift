import KefuDomain
import LeafKit
import Vapor

/// The signed-in person as the layout shows them.
struct LayoutUser: Encodable {
    var displayName: String
    var username: String
    var roleKey: String
    var initial: String
}

struct NavItem: Encodable {
    var key: String
    var href: String
    var icon: String
    var isActive: Bool

    /// The items of a navigation list as the layout shows them, labels localized.
    static func fragment(_ items: [NavItem], localize: (String) -> String) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: items.count * 96)
        for item in items {
            html.raw("<li><a href=\"")
            html.text(item.href)
            html.raw(item.isActive ? "\" class=\"nav-link active\" aria-current=\"page\">" : "\" class=\"nav-link\">")
            html.text(localize(item.key))
            html.raw("</a></li>")
        }
        return html.fragment
    }
}

/// A one-time message shown after a redirect ("已保存"), carried in a short-lived cookie as
/// `kind:key` — only a localization key, never user text, so nothing can be injected through it.
struct FlashMessage: Encodable, Equatable {
    enum Kind: String, Encodable { case success, info, warning, error }
    var kind: Kind
    var messageKey: String

    var cookieValue: String { "\(kind.rawValue):\(messageKey)" }

    init(_ kind: Kind, _ messageKey: String) {
        self.kind = kind
        self.messageKey = messageKey
    }

    init?(cookieValue: String, localizer: Localizer) {
        let parts = cookieValue.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = Kind(rawValue: parts[0]), localizer.hasKey(parts[1]) else { return nil }
        self.init(kind, parts[1])
    }
}

/// What the layout needs on every page, plus the page's own view model under `page`.
struct PageContext<Body: Encodable>: Encodable {
    var lang: String
    var titleKey: String
    var user: LayoutUser?
    /// The side navigation's items, and the settings items under it.
    var nav: HTMLFragment
    var settingsNav: HTMLFragment
    var hasSettingsNav: Bool
    var flash: FlashMessage?
    var csrf: String
    var path: String
    /// Reload the page after this many seconds (progress of long work, without JavaScript).
    var refreshSeconds: Int?
    /// The bell: unread notifications of the signed-in person (S4).
    var unread: Int
    var hasUnread: Bool
    var page: Body
}

extension Request {
    private struct RefreshKey: StorageKey { typealias Value = Int }

    var pageRefreshSeconds: Int? {
        get { storage[RefreshKey.self] }
        set { storage[RefreshKey.self] = newValue }
    }

    /// Renders a page inside the layout with the given status.
    func renderPage(
        _ template: String, titleKey: String, _ body: some Encodable, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        var context = pageContext(titleKey: titleKey, body)
        if let staffID = staff?.id {
            if let unread = unreadNotifications {
                context.unread = unread
            } else {
                context.unread = try await application.bell.unreadCount(staffID: staffID, on: db)
            }
            context.hasUnread = context.unread > 0
        }
        let view: View
        if let context = context as? any LeafDataRepresentable, let data = context.leafData.dictionary {
            view = View(data: try await leaf.render(path: template, context: data).get())
        } else {
            view = try await self.view.render(template, context)
        }
        let response = try await view.encodeResponse(status: status, for: self)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if cookies[CookieName.flash] != nil {
            response.cookies[CookieName.flash] = expiredKefuCookie()
        }
        return response
    }

    func pageContext<Body: Encodable>(titleKey: String, _ body: Body) -> PageContext<Body> {
        let path = url.path
        func items(_ entries: [NavigationEntry]) -> [NavItem] {
            guard let role = staff?.role else { return [] }
            return entries.filter { $0.isVisible(to: role) }.compactMap { entry in
                guard let href = entry.path?.path else { return nil }
                let isActive = entry.path == .dashboard ? path == href : path.hasPrefix(href)
                return NavItem(key: entry.key, href: href, icon: entry.icon, isActive: isActive)
            }
        }
        let user = staff.map {
            LayoutUser(
                displayName: $0.displayName, username: $0.username, roleKey: "role.\($0.role)",
                initial: String($0.displayName.prefix(1))
            )
        }
        let flash = (cookies[CookieName.flash]?.string).flatMap {
            FlashMessage(cookieValue: $0.removingPercentEncoding ?? $0, localizer: kefu.localizer)
        }
        let settings = items(NavigationEntry.settings)
        let localize = { (key: String) in self.t(key) }
        return PageContext(
            lang: language.rawValue, titleKey: titleKey, user: user,
            nav: NavItem.fragment(items(NavigationEntry.all), localize: localize),
            settingsNav: NavItem.fragment(settings, localize: localize), hasSettingsNav: !settings.isEmpty,
            flash: flash, csrf: csrfToken ?? "", path: path,
            refreshSeconds: pageRefreshSeconds, unread: 0, hasUnread: false, page: body
        )
    }

    /// Redirects after a successful form post, leaving a message for the next page (post/redirect/get).
    func redirect(to location: String, flash: FlashMessage) -> Response {
        let response = redirect(to: location, redirectType: .normal)
        response.cookies[CookieName.flash] = kefuCookie(flash.cookieValue, maxAge: 60)
        return response
    }
}

/// One choice of a `<select>` or radio group, with its label key and whether it is chosen.
struct ChoiceOption: Encodable {
    var value: String
    /// A localization key, for fixed choices (roles, languages).
    var labelKey: String
    /// Literal text, for choices that are data (department names).
    var label: String = ""
    var isSelected: Bool

    /// The `<option>`s of a select, as `#options` writes them, for a list long enough (every person
    /// who can be assigned customers) to be written by Swift rather than by Leaf.
    static func fragment(_ options: [ChoiceOption], marksSelection: Bool = true, localize: (String) -> String)
        -> HTMLFragment
    {
        var html = HTMLWriter(reservingCapacity: options.count * 48)
        for option in options {
            html.element("<option value=\"", option.value, "\"")
            if marksSelection, option.isSelected { html.raw(" selected") }
            html.element(">", option.labelKey.isEmpty ? option.label : localize(option.labelKey), "</option>")
        }
        return html.fragment
    }

    /// Options for the raw values of an enumeration, labelled `prefix.value`.
    static func list(_ values: [String], labelPrefix: String, selected: String) -> [ChoiceOption] {
        values.map { ChoiceOption(value: $0, labelKey: "\(labelPrefix).\($0)", isSelected: $0 == selected) }
    }
}

// Values that appear by the hundred on a page (options, navigation, table rows) hand Leaf their
// `LeafData` directly: Leaf's `Encoder` spent more time on a 200-person picker than the database did.
// Each is registered, with samples, in the tests' `HandBuiltLeafValues`; `LeafValueTests` compares every sample
// with its `Encodable` form and fails on a type missing there, so the two cannot drift apart.

extension ChoiceOption: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "value": .string(value), "labelKey": .string(labelKey), "label": .string(label),
            "isSelected": .bool(isSelected),
        ])
    }
}

extension LayoutUser: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "displayName": .string(displayName), "username": .string(username), "roleKey": .string(roleKey),
            "initial": .string(initial),
        ])
    }
}

extension FlashMessage: LeafDataRepresentable {
    var leafData: LeafData { .dictionary(["kind": .string(kind.rawValue), "messageKey": .string(messageKey)]) }
}

/// A page whose view model gives its own `LeafData` is rendered without Leaf's `Encoder` at all.
extension PageContext: LeafDataRepresentable where Body: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "lang": .string(lang), "titleKey": .string(titleKey), "user": user?.leafData ?? .trueNil,
            "nav": nav.leafData,
            "settingsNav": settingsNav.leafData, "hasSettingsNav": .bool(hasSettingsNav),
            "flash": flash?.leafData ?? .trueNil,
            "csrf": .string(csrf), "path": .string(path), "refreshSeconds": .int(refreshSeconds),
            "unread": .int(unread),
            "hasUnread": .bool(hasUnread), "page": page.leafData,
        ])
    }
}
