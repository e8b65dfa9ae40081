/// The kinds of file a record may carry, recognised by extension and checked by their first bytes.
public enum AttachmentFileType: String, CaseIterable, Codable, Sendable {
    case pdf, jpg, png, docx

    /// The type a file name claims (`扫描件.PDF` → pdf, `.jpeg` → jpg); nil for any other extension.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "pdf": self = .pdf
        case "jpg", "jpeg": self = .jpg
        case "png": self = .png
        case "docx": self = .docx
        default: return nil
        }
    }

    public var contentType: String {
        switch self {
        case .pdf: "application/pdf"
        case .jpg: "image/jpeg"
        case .png: "image/png"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
    }

    /// Whether the first bytes are what the extension claims: a renamed executable or HTML page is
    /// refused even with a .pdf name.
    public func matches(prefix: [UInt8]) -> Bool {
        func starts(_ magic: [UInt8]) -> Bool {
            prefix.count >= magic.count && Array(prefix.prefix(magic.count)) == magic
        }
        switch self {
        case .pdf: return starts(Array("%PDF-".utf8))
        case .png: return starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case .jpg: return starts([0xFF, 0xD8, 0xFF])
        // A .docx is a ZIP archive.
        case .docx: return starts([0x50, 0x4B, 0x03, 0x04])
        }
    }
}

/// What files a kind of record accepts (issue 9 §4): the types and the largest size. Declared on the
/// record kind; the one attachment store applies it.
public struct AttachmentRules: Equatable, Sendable {
    public var types: Set<AttachmentFileType>
    public var maxBytes: Int

    public init(types: Set<AttachmentFileType>, maxBytes: Int) {
        self.types = types
        self.maxBytes = maxBytes
    }

    /// Why the file is refused, as a localization key; nil when it may be stored. `prefix` is the
    /// file's first bytes (16 are enough).
    public func problem(fileName: String, byteCount: Int, prefix: [UInt8]) -> String? {
        let name = fileName.trimmed
        if name.isEmpty || byteCount <= 0 { return "validation.required" }
        if name.count > 200 { return "validation.too_long" }
        guard let type = AttachmentFileType(fileName: name), types.contains(type) else {
            return "validation.attachment.type"
        }
        if byteCount > maxBytes { return "validation.attachment.too_large" }
        return type.matches(prefix: prefix) ? nil : "validation.file.content"
    }
}
