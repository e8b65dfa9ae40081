import KefuDomain
import Vapor

/// A page of a list in the JSON API: `{"items": [...], "page": {number, size, totalItems, totalPages}}`.
struct PageDTO<Item: Content>: Content {
    struct Info: Content {
        var number: Int
        var size: Int
        var totalItems: Int
        var totalPages: Int
        /// True when there are more than `totalItems` matches: the count stopped at a cap.
        var totalIsCapped: Bool?
    }
    var items: [Item]
    var page: Info

    init(items: [Item], request: Paging, total: Int, cap: Int? = nil) {
        self.items = items
        let capped = cap.map { total > $0 } ?? false
        let shown = capped ? cap! : total
        self.page = Info(
            number: request.number, size: request.size, totalItems: shown, totalPages: request.pageCount(total: shown),
            totalIsCapped: cap == nil ? nil : capped)
    }
}

extension Request {
    /// `?page=&perPage=` (pages also accept `per_page`): the one reading of paging for every list,
    /// page and API. A value that is not a whole number in range is a 400 naming the parameter.
    var paging: Paging {
        get throws {
            let query = queryParameters
            let sizeName = query["perPage"] == nil && query["per_page"] != nil ? "per_page" : "perPage"
            switch Paging.parse(number: query["page"], size: query[sizeName], sizeName: sizeName) {
            case .success(let paging): return paging
            case .failure(let errors): throw KefuError.invalidQuery(errors)
            }
        }
    }
}
