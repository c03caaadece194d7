/// Format checks for the Polish registry numbers a provider may give, so a typo is caught at registration rather
/// than in a report to the voivode: KRS (Krajowy Rejestr Sądowy) 10 digits, REGON 9 or 14 digits, NIP 10 digits
/// whose last is the official mod-11 check digit. Numbers come without separators.
public enum RegistryNumber {
    /// The NIP check digit's weights, digit by digit.
    static let nipWeights = [6, 5, 7, 2, 3, 4, 5, 6, 7]

    public static func isValidKRS(_ text: String) -> Bool {
        digits(of: text)?.count == 10
    }

    public static func isValidREGON(_ text: String) -> Bool {
        guard let digits = digits(of: text) else { return false }
        return digits.count == 9 || digits.count == 14
    }

    public static func isValidNIP(_ text: String) -> Bool {
        guard let digits = digits(of: text), digits.count == 10 else { return false }
        let sum = zip(digits, nipWeights).reduce(0) { $0 + $1.0 * $1.1 }
        let check = sum % 11
        // A remainder of 10 has no check digit, so no valid NIP produces it.
        return check != 10 && check == digits[9]
    }

    private static func digits(of text: String) -> [Int]? {
        var digits: [Int] = []
        for byte in text.utf8 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            digits.append(Int(byte - UInt8(ascii: "0")))
        }
        return digits
    }
}
