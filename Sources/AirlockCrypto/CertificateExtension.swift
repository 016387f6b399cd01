import Foundation

/// One X.509 v3 extension: its object identifier, criticality and raw `extnValue` bytes.
public struct CertificateExtension: Sendable, Hashable {
    /// Dotted object identifier, e.g. `1.3.6.1.4.1.57264.1.8`.
    public let oid: String
    public let critical: Bool
    /// The content of `extnValue` (the bytes inside its OCTET STRING).
    public let value: Data

    public init(oid: String, critical: Bool = false, value: Data) {
        self.oid = oid
        self.critical = critical
        self.value = value
    }

    /// An extension whose value is `text` as a DER UTF8String (Fulcio `1.3.6.1.4.1.57264.1.8`
    /// and later).
    public static func utf8String(oid: String, _ text: String, critical: Bool = false) -> CertificateExtension {
        CertificateExtension(oid: oid, critical: critical, value: DER.encodeUTF8String(text))
    }

    /// An extension whose value is the raw bytes of `text` (Fulcio `1.3.6.1.4.1.57264.1.1`–`.1.6`).
    public static func rawString(oid: String, _ text: String, critical: Bool = false) -> CertificateExtension {
        CertificateExtension(oid: oid, critical: critical, value: Data(text.utf8))
    }
}

/// Object identifiers of extended key usages.
public enum ExtendedKeyUsage {
    public static let codeSigning = "1.3.6.1.5.5.7.3.3"
    public static let timeStamping = "1.3.6.1.5.5.7.3.8"
    public static let any = "2.5.29.37.0"

    /// A readable name for messages.
    static func name(_ oid: String) -> String {
        switch oid {
        case codeSigning: "code signing (\(oid))"
        case timeStamping: "time stamping (\(oid))"
        case any: "any extended key usage (\(oid))"
        default: oid
        }
    }
}
