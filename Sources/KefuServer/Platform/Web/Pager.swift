import Foundation
import KefuDomain
import LeafKit

/// The page links under a list, keeping the list's filters in every link.
struct Pager: Encodable {
    var number: Int
    var totalPages: Int
    var totalItems: Int
    var previousHref: String?
    var nextHref: String?
    var isCapped: Bool

    init(request: Paging, total: Int, path url: SiteURL, query: [String: String], cap: Int? = nil) {
        number = request.number
        isCapped = cap.map { total > $0 } ?? false
        totalItems = isCapped ? cap! : total
        totalPages = request.pageCount(total: totalItems)
        func href(_ page: Int) -> String {
            var items = query.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
                .map {
                    "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "")"
                }
            items.append("page=\(page)")
            return url.path + "?" + items.joined(separator: "&")
        }
        previousHref = number > 1 ? href(number - 1) : nil
        nextHref = number < totalPages ? href(number + 1) : nil
    }
}

extension Pager: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "number": .int(number), "totalPages": .int(totalPages), "totalItems": .int(totalItems),
            "previousHref": .string(previousHref),
            "nextHref": .string(nextHref), "isCapped": .bool(isCapped),
        ])
    }
}
