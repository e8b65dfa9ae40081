import Foundation

/// An amount of money as contracts state it: in 万元, kept as whole 元 so that a payment plan adds up
/// exactly (sums of decimals typed by people must not drift by a fraction of a 元).
public struct Yuan: Hashable, Comparable, Sendable, Codable {
    public var value: Int64

    public init(_ value: Int64) { self.value = value }

    /// Reads an amount in 万元 as typed (`1,200.5`, `80`): at most four decimals (one 元), not
    /// negative, below one trillion 元. Nil for anything else.
    public init?(wan text: String) {
        let trimmed = text.trimmed.replacingOccurrences(of: ",", with: "")
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard !trimmed.isEmpty, parts.count <= 2, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            !parts[0].isEmpty, parts[0].count <= 8
        else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 4, parts.count == 1 || !fraction.isEmpty else { return nil }
        guard let whole = Int64(parts[0]),
            let decimals = Int64(fraction.padding(toLength: 4, withPad: "0", startingAt: 0))
        else { return nil }
        value = whole * 10_000 + decimals
    }

    /// The amount in 万元 with thousands separators and no trailing zeros: `1,200.5`.
    public var wanText: String {
        let whole = value / 10_000, rest = value % 10_000
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        grouped = digits + grouped
        guard rest > 0 else { return grouped }
        var fraction = String(format: "%04lld", rest)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return grouped + "." + fraction
    }

    public static func < (lhs: Yuan, rhs: Yuan) -> Bool { lhs.value < rhs.value }
    public static func + (lhs: Yuan, rhs: Yuan) -> Yuan { Yuan(lhs.value + rhs.value) }
    public static let zero = Yuan(0)

    public init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// One installment of a contract's payment plan.
public struct Installment: Equatable, Sendable, Codable {
    public var label: String
    public var amount: Yuan
    public var dueOn: CalendarDay?

    public init(label: String, amount: Yuan, dueOn: CalendarDay? = nil) {
        self.label = label
        self.amount = amount
        self.dueOn = dueOn
    }
}

/// An installment as a form or client gives it.
public struct InstallmentDraft: Equatable, Sendable, Codable {
    public var label: String
    public var amountWan: String
    public var dueOn: String?

    public init(label: String, amountWan: String, dueOn: String? = nil) {
        self.label = label
        self.amountWan = amountWan
        self.dueOn = dueOn
    }
}

/// R3.4: the payment plan must add up to the contract's amount, to the 元.
public enum PaymentPlan {
    public static let maximumInstallments = 24

    /// Checks the amount and its plan; problems on `amountWan`, `paymentPlan` (the sum, the count)
    /// and `paymentPlan.N` (one installment, numbered from 1). An empty plan is allowed (paid in one
    /// sum, or not yet agreed); a plan that is given must add up.
    public static func validate(amountWan: String, installments drafts: [InstallmentDraft]) -> Result<
        (Yuan, [Installment]), FieldErrors
    > {
        var errors = FieldErrors()
        let amount = Yuan(wan: amountWan)
        if amount == nil {
            errors.add("amountWan", amountWan.trimmed.isEmpty ? "validation.required" : "validation.contract.amount")
        }
        if drafts.count > maximumInstallments { errors.add("paymentPlan", "validation.contract.too_many_installments") }
        var installments: [Installment] = []
        for (index, draft) in drafts.enumerated() {
            let field = "paymentPlan.\(index + 1)"
            let label = draft.label.trimmed
            guard !label.isEmpty, label.count <= 100 else {
                errors.add(field, "validation.contract.installment_label"); continue
            }
            guard let value = Yuan(wan: draft.amountWan), value > .zero else {
                errors.add(field, "validation.contract.amount"); continue
            }
            var dueOn: CalendarDay?
            if let text = draft.dueOn, !text.trimmed.isEmpty {
                guard let day = CalendarDay(text) else { errors.add(field, "validation.date"); continue }
                dueOn = day
            }
            installments.append(Installment(label: label, amount: value, dueOn: dueOn))
        }
        if let amount, errors.isEmpty, !installments.isEmpty, installments.reduce(.zero, { $0 + $1.amount }) != amount {
            errors.add("paymentPlan", "validation.contract.plan_sum")
        }
        guard errors.isEmpty, let amount else { return .failure(errors) }
        return .success((amount, installments))
    }
}
