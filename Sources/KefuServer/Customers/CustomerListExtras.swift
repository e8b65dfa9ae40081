import Foundation
import KefuDomain
import LeafKit
import Vapor

/// What makes the customer list work as a CRM list (issue 10, improvement 3): column headers that sort
/// (the indexed columns only), select all on the page or across the filter, saved filters, the filter
/// carried through a bulk action, and the reassignment's reason. Written by Swift like the rows.
struct CustomerListExtras: Encodable {
    var headers: HTMLFragment
    var savedFilters: HTMLFragment
    /// The list's filter as hidden fields, for the forms that act on the list (reassign, save filter).
    var filterFields: HTMLFragment
    var allMatchingLabel: String
    var canSaveFilter: Bool
    var reason: String
    var errors: [String: String]
    var saveName: String
    var withoutFollowUp: Bool
    var notContactedDays: String

    /// The sortable columns and their two orders; the first is the one a click on an unsorted column gives.
    static let sortable: [(column: String, first: CustomerFilter.Sort, second: CustomerFilter.Sort)] = [
        ("code", .code, .codeDescending), ("name", .name, .nameDescending), ("updatedAt", .updated, .updatedAscending),
    ]

    init(
        viewer: Viewer, filter: CustomerFilter, total: Int, canReassign: Bool, savedFilters: [SavedFilterStore.Row],
        csrf: String,
        errors: [String: String] = [:], reason: String = "", saveName: String = ""
    ) {
        let words = viewer.words
        self.errors = errors
        self.reason = reason
        self.saveName = saveName
        withoutFollowUp = filter.withoutOpenFollowUp
        notContactedDays = filter.notContactedDays.map(String.init) ?? ""
        headers = Self.headers(filter: filter, canReassign: canReassign, words: words)
        self.savedFilters = Self.chips(
            filter: filter, saved: savedFilters, staffID: viewer.staff?.id, csrf: csrf, words: words)
        var fields = HTMLWriter(reservingCapacity: 256)
        let parameters = filter.parameters
        for name in CustomerFilter.parameterNames {
            guard let value = parameters[name] else { continue }
            fields.element("<input type=\"hidden\" name=\"", name, "\"")
            fields.element(" value=\"", value, "\">")
        }
        filterFields = fields.fragment
        let count = DisplayFormat.count(total, cap: CustomerQueries.countCap)
        allMatchingLabel = words.t("customers.all_matching", ["count": count])
        canSaveFilter = !filter.sameFiles(as: CustomerFilter())
    }

    static func headers(filter: CustomerFilter, canReassign: Bool, words: DisplayWords) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: 1_500)
        if canReassign {
            html.element(
                "<th class=\"check\"><input type=\"checkbox\" id=\"select-page\" data-select-all=\"customerIDs[]\" aria-label=\"",
                words.t("customers.select_page"), "\" hidden></th>")
        }
        for column in ["code", "name", "companyName", "mobile", "region", "stage", "grade", "responsible", "updatedAt"]
        {
            let label = words.customerField(column)
            guard let sortable = sortable.first(where: { $0.column == column }) else {
                html.element("<th>", label, "</th>")
                continue
            }
            let current: CustomerFilter.Sort? =
                filter.sort == sortable.first ? sortable.first : filter.sort == sortable.second ? sortable.second : nil
            var next = filter
            next.sort = current == sortable.first ? sortable.second : sortable.first
            let ascending: Set<CustomerFilter.Sort> = [.code, .name, .updatedAscending]
            if let current {
                html.raw(ascending.contains(current) ? "<th aria-sort=\"ascending\">" : "<th aria-sort=\"descending\">")
            } else {
                html.raw("<th>")
            }
            html.element("<a class=\"sort-link\" id=\"sort-", column, "\"")
            html.element(" href=\"", SiteURL.customers.path(rawQuery: next.queryString), "\"")
            html.element(" title=\"", words.t("customers.sort_by", ["column": label]), "\">")
            html.text(label)
            if let current {
                html.raw(
                    ascending.contains(current)
                        ? " <span aria-hidden=\"true\">▲</span>" : " <span aria-hidden=\"true\">▼</span>")
            }
            html.raw("</a></th>")
        }
        return html.fragment
    }

    static func chips(
        filter: CustomerFilter, saved: [SavedFilterStore.Row], staffID: Int?, csrf: String, words: DisplayWords
    ) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: 1_200)
        func chip(_ label: String, query: String) {
            let target = CustomerFilter(parameters: QueryParameters(query), staffID: staffID)
            let isCurrent = target.sameFiles(as: filter)
            html.raw(isCurrent ? "<a class=\"chip is-current\" aria-current=\"true\"" : "<a class=\"chip\"")
            html.element(" href=\"", SiteURL.customers.path(rawQuery: target.queryString), "\">")
            html.element("", label, "</a>")
        }
        for builtIn in SavedFilterStore.builtIns { chip(words.t(builtIn.key), query: builtIn.query) }
        for row in saved {
            html.raw("<span class=\"chip-group\">")
            chip(row.name, query: row.query)
            html.element(
                "<form method=\"post\" action=\"", SiteURL.customerSavedFilterDelete(row.id).path,
                "\" class=\"inline-form\">")
            html.element("<input type=\"hidden\" name=\"_csrf\" value=\"", csrf, "\">")
            html.element(
                "<button class=\"chip-remove\" type=\"submit\" title=\"",
                words.t("saved_filters.delete", ["name": row.name]), "\"")
            html.element(
                " aria-label=\"", words.t("saved_filters.delete", ["name": row.name]), "\">×</button></form></span>")
        }
        return html.fragment
    }
}

extension CustomerListExtras: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "headers": headers.leafData, "savedFilters": savedFilters.leafData, "filterFields": filterFields.leafData,
            "allMatchingLabel": .string(allMatchingLabel), "canSaveFilter": .bool(canSaveFilter),
            "reason": .string(reason),
            "errors": errors.leafData, "saveName": .string(saveName),
            "withoutFollowUp": .bool(withoutFollowUp), "notContactedDays": .string(notContactedDays),
        ])
    }
}
