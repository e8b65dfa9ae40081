/// One step of a procedure type as the department configures it. A built-in step carries only its
/// `code` and is shown in the reader's language (`procedure.step.<code>`, `procedure.guidance.<code>`,
/// `procedure.documents.<code>`); a step the supervisor wrote or changed carries its own texts.
public struct ProcedureStepTemplate: Equatable, Sendable, Codable {
    public var code: String
    public var name: String?
    public var guidance: String?
    public var documents: String?

    public init(code: String, name: String? = nil, guidance: String? = nil, documents: String? = nil) {
        self.code = code
        self.name = name
        self.guidance = guidance
        self.documents = documents
    }

    /// Whether the step is shown from the built-in texts of its code.
    public var isCoded: Bool { name == nil }
}

/// R3.4: a kind of procedure (工商注册, 税务登记, 环评 … and the ones the supervisor adds): its steps in
/// order, each with the guidance the customer is given and the documents it needs.
public struct ProcedureTypeTemplate: Equatable, Sendable, Codable {
    public var code: String
    /// An added type's own name; a built-in type is named in the reader's language.
    public var name: String?
    public var steps: [ProcedureStepTemplate]
    public var isActive: Bool

    public init(code: String, name: String? = nil, steps: [ProcedureStepTemplate], isActive: Bool = true) {
        self.code = code
        self.name = name
        self.steps = steps
        self.isActive = isActive
    }

    public var isBuiltIn: Bool { ProcedureType(rawValue: code) != nil }
}

public enum ProcedureTemplates {
    /// The types a new installation starts with.
    public static var builtIn: [ProcedureTypeTemplate] {
        ProcedureType.allCases.map {
            ProcedureTypeTemplate(code: $0.rawValue, steps: $0.steps.map { ProcedureStepTemplate(code: $0) })
        }
    }

    /// The types in use: a stored one replaces the built-in of the same code; added types follow.
    public static func merged(stored: [ProcedureTypeTemplate]) -> [ProcedureTypeTemplate] {
        let byCode = Dictionary(stored.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        return builtIn.map { byCode[$0.code] ?? $0 } + stored.filter { !$0.isBuiltIn }.sorted { $0.code < $1.code }
    }
}

/// A step as the supervisor's form or the API sends it. A step keeps its `code` (and so its texts in
/// every language) while its three texts are left as shown.
public struct ProcedureStepDraft: Equatable, Sendable, Codable {
    public var code: String?
    public var name: String?
    public var guidance: String?
    public var documents: String?

    public init(code: String? = nil, name: String? = nil, guidance: String? = nil, documents: String? = nil) {
        self.code = code
        self.name = name
        self.guidance = guidance
        self.documents = documents
    }
}

public struct ProcedureTemplateDraft: Equatable, Sendable, Codable {
    public var name: String?
    public var steps: [ProcedureStepDraft]
    public var isActive: Bool?

    public init(name: String? = nil, steps: [ProcedureStepDraft], isActive: Bool? = nil) {
        self.name = name
        self.steps = steps
        self.isActive = isActive
    }
}

public enum ProcedureTemplateEditing {
    public static let maxSteps = 20, maxTypeNameLength = 50, maxStepNameLength = 100, maxGuidanceLength = 1000,
        maxDocumentsLength = 500

    /// The shown texts of a coded step: its name, guidance and documents in the reader's language.
    public typealias ShownTexts = (_ code: String) -> (name: String, guidance: String, documents: String)

    /// Checks an edited procedure type. Rows left wholly blank are dropped; a step needs its name
    /// (problems at `steps.N`, numbered from 1), names are unique within the type, and a type needs
    /// at least one step; an added type needs its own name.
    public static func validate(
        _ draft: ProcedureTemplateDraft, code: String, isBuiltIn: Bool,
        shown: ShownTexts
    ) -> Result<ProcedureTypeTemplate, FieldErrors> {
        var errors = FieldErrors()
        let name = (draft.name ?? "").trimmed
        if !isBuiltIn {
            if name.isEmpty {
                errors.add("name", "validation.required")
            } else if name.count > maxTypeNameLength {
                errors.add("name", "validation.too_long")
            }
        }
        var steps: [ProcedureStepTemplate] = [], seen = Set<String>()
        for (index, step) in draft.steps.enumerated() {
            let field = "steps.\(index + 1)"
            let stepName = (step.name ?? "").trimmed, guidance = (step.guidance ?? "").trimmed,
                documents = (step.documents ?? "").trimmed
            if stepName.isEmpty && guidance.isEmpty && documents.isEmpty { continue }
            if stepName.isEmpty { errors.add(field, "validation.procedure.step_name"); continue }
            if stepName.count > maxStepNameLength || guidance.count > maxGuidanceLength
                || documents.count > maxDocumentsLength
            {
                errors.add(field, "validation.too_long"); continue
            }
            if !seen.insert(stepName).inserted { errors.add(field, "validation.procedure.step_duplicate"); continue }
            let stepCode = (step.code ?? "").trimmed
            if !stepCode.isEmpty, stepCode != "custom", shown(stepCode) == (stepName, guidance, documents) {
                steps.append(ProcedureStepTemplate(code: stepCode))
            } else {
                steps.append(
                    ProcedureStepTemplate(code: "custom", name: stepName, guidance: guidance, documents: documents))
            }
        }
        if steps.count > maxSteps { errors.add("steps", "validation.procedure.too_many_steps") }
        if steps.isEmpty && errors.isEmpty { errors.add("steps", "validation.procedure.needs_step") }
        guard errors.isEmpty else { return .failure(errors) }
        return .success(
            ProcedureTypeTemplate(
                code: code, name: isBuiltIn ? nil : name, steps: steps, isActive: draft.isActive ?? true))
    }
}
