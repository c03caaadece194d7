/// A stream's category (`plan`, `person`, `feeaccount`…): 1…32 bytes of `[a-z0-9_]` (ledger.md §3.1).
public struct Category: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public static let lengthMax = 32

    public init(_ name: String) throws(LedgerError) {
        guard NameRules.isValid(name.utf8, lengthRange: 1...Self.lengthMax, allowed: NameRules.isCategoryByte) else {
            throw LedgerError(.invalidArgument, "category \"\(name.prefix(40))\" must be 1…32 of [a-z0-9_]")
        }
        self.name = name
    }

    init(validated name: String) { self.name = name }
    public var description: String { name }
}

/// A stable event type name (`PlanApproved`), never a Swift type name: 1…64 bytes of `[A-Za-z0-9_.]`.
public struct EventType: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public static let lengthMax = 64

    public init(_ name: String) throws(LedgerError) {
        guard NameRules.isValid(name.utf8, lengthRange: 1...Self.lengthMax, allowed: NameRules.isEventTypeByte)
        else {
            throw LedgerError(.invalidArgument, "event type \"\(name.prefix(70))\" must be 1…64 of [A-Za-z0-9_.]")
        }
        self.name = name
    }

    init(validated name: String) { self.name = name }
    public var description: String { name }
}

/// A stream: category plus a random 128-bit id, written `<category>-<uuid>`. Never derived from a PESEL, a
/// name or any personal identifier (ledger.md §3.1).
public struct StreamID: Hashable, Sendable, CustomStringConvertible {
    public let category: Category
    public let id: UUID128

    public init(category: Category, id: UUID128) {
        self.category = category
        self.id = id
    }

    /// Parses `<category>-<uuid>`.
    public init(_ text: String) throws(LedgerError) {
        guard text.utf8.count > 37,
            let dash = text.utf8.index(text.utf8.endIndex, offsetBy: -37, limitedBy: text.utf8.startIndex),
            text.utf8[dash] == UInt8(ascii: "-"),
            let id = UUID128(text[text.index(after: dash)...])
        else { throw LedgerError(.invalidArgument, "stream \"\(text.prefix(80))\" must be <category>-<uuid>") }
        self.category = try Category(String(text[..<dash]))
        self.id = id
    }

    /// `category-uuid`, written straight into the string (timelines and exports format one per event).
    public var description: String {
        let name = category.name.utf8
        let length = name.count + 1 + UUID128.textLength
        return String(unsafeUninitializedCapacity: length) { text in
            let afterName = text.initialize(fromContentsOf: name)
            text[afterName] = UInt8(ascii: "-")
            id.writeText(into: text, at: afterName + 1)
            return length
        }
    }
}

enum NameRules {
    static func isValid(
        _ bytes: some Collection<UInt8>, lengthRange: ClosedRange<Int>, allowed: (UInt8) -> Bool
    ) -> Bool {
        lengthRange.contains(bytes.count) && bytes.allSatisfy(allowed)
    }

    static func isCategoryByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
    }

    static func isEventTypeByte(_ byte: UInt8) -> Bool {
        isCategoryByte(byte) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x2E
    }
}
