import Fluent
import Foundation

/// A department of the company: the customer service department itself, or one that customer
/// matters are forwarded to (招商部, 法务部, 财务部, 工程管理部 …).
final class DepartmentModel: Model, @unchecked Sendable {
    static let schema = "departments"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    /// A stable short code for scripts and configuration (`customer_service`, `legal`).
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "is_customer_service") var isCustomerService: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?

    init() {}

    init(code: String, name: String, isCustomerService: Bool, createdAt: Date) {
        self.code = code
        self.name = name
        self.isCustomerService = isCustomerService
        self.version = 1
        self.createdAt = createdAt
    }
}
