/// PESEL (Powszechny Elektroniczny System Ewidencji Ludności) checks: 11 digits, a real birth date (the month
/// carries the century: +80 for the 1800s, +20 for the 2000s, +40, +60 after), and the weighted check digit.
/// It answers only valid or not, so nothing built on it can echo the number.
public enum NationalID {
    static let weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]

    public static func isValidPESEL(_ text: String) -> Bool {
        let digits = text.unicodeScalars.compactMap { scalar -> Int? in
            guard ("0"..."9").contains(scalar) else { return nil }
            return Int(scalar.value) - 48
        }
        guard digits.count == 11, text.unicodeScalars.count == 11 else { return false }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        guard (10 - sum % 10) % 10 == digits[10] else { return false }
        return hasRealBirthDate(digits)
    }

    private static func hasRealBirthDate(_ digits: [Int]) -> Bool {
        let encodedMonth = digits[2] * 10 + digits[3]
        let centuryOffsets = [80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200]
        let offset = (encodedMonth / 20) * 20
        guard let century = centuryOffsets[offset] else { return false }
        let year = century + digits[0] * 10 + digits[1]
        return LocalDate(year: year, month: encodedMonth - offset, day: digits[4] * 10 + digits[5]) != nil
    }
}
