import Foundation
import KefuDomain

extension CommonPasswords {
    /// Reads Kefu's list of common passwords; a missing or short file stops start-up, because without
    /// it the password rule would quietly accept `password12`.
    static func load(from path: String) throws -> CommonPasswords {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(problems: ["the list of common passwords is missing: \(path)"])
        }
        let list = CommonPasswords(text: String(decoding: data, as: UTF8.self))
        guard list.count >= 10_000 else {
            throw ConfigurationError(problems: [
                "the list of common passwords at \(path) holds only \(list.count) entries"
            ])
        }
        return list
    }
}
