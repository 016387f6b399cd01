import ArgumentParser

/// `--annotation key=value` values, as cosign's `-a` takes them: split at the first `=`,
/// the key non-empty, a key given twice with different values refused.
enum AnnotationPairs {
    static func parse(_ pairs: [String]) throws -> [String: String] {
        var annotations: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--annotation \"\(pair.prefix(200))\" is not key=value")
            }
            let key = String(pair[..<equals])
            let value = String(pair[pair.index(after: equals)...])
            if let previous = annotations[key], previous != value {
                throw ValidationError("--annotation gives \(key) twice (\(previous.prefix(100)) and \(value.prefix(100)))")
            }
            annotations[key] = value
        }
        return annotations
    }
}
