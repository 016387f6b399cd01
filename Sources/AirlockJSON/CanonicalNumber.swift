/// Number text as RFC 8785 wants it: ECMAScript `Number.prototype.toString` of the IEEE 754
/// double nearest to the number.
enum CanonicalNumber {
    /// Integers of magnitude up to 2^53 are exact doubles and print as plain digits.
    private static let exactIntegerLimit: Int64 = 1 << 53

    static func text(of number: JSONNumber) throws(JSONError) -> String {
        if let integer = number.int64Value, integer.magnitude <= exactIntegerLimit.magnitude {
            return String(integer)
        }
        guard let value = number.doubleValue else { throw JSONError(.numberNotCanonicalizable(number.text)) }
        return ecmaScriptText(value)
    }

    /// ECMAScript Number::toString (ECMA-262 §6.1.6.1.20) for a finite double, built on Swift's
    /// shortest round-trip digits (the same digit selection the standard requires).
    static func ecmaScriptText(_ value: Double) -> String {
        if value == 0 { return "0" }
        let (digits, exponent) = shortestDigits(value.magnitude)
        let sign = value < 0 ? "-" : ""
        let k = digits.count
        let n = exponent
        if k <= n && n <= 21 {
            return sign + digits + String(repeating: "0", count: n - k)
        }
        if 0 < n && n <= 21 {
            return sign + digits.prefix(n) + "." + digits.dropFirst(n)
        }
        if -6 < n && n <= 0 {
            return sign + "0." + String(repeating: "0", count: -n) + digits
        }
        let e = n - 1
        let exponentText = (e >= 0 ? "+" : "-") + String(e.magnitude)
        if k == 1 { return sign + digits + "e" + exponentText }
        return sign + digits.prefix(1) + "." + digits.dropFirst() + "e" + exponentText
    }

    /// The shortest decimal digits `s` (no leading or trailing zeros) and exponent `n` with
    /// `value = 0.s × 10^n`, read from Swift's round-trip `description`.
    private static func shortestDigits(_ value: Double) -> (digits: String, exponent: Int) {
        let text = value.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let power = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPart = pieces[0]
        let fraction = pieces.count > 1 ? pieces[1] : ""
        var digits = Substring(integerPart + fraction)
        var exponent = integerPart.count + power
        while digits.first == "0" {
            digits = digits.dropFirst()
            exponent -= 1
        }
        while digits.last == "0" {
            digits = digits.dropLast()
        }
        return (String(digits), exponent)
    }
}
