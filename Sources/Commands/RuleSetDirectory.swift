public import Domain
import Foundation

/// `--rules DIR`: further rule-set files (`*.json`, the format of `Schemas/rules/rule-set.schema.json`) added
/// to the compiled-in ones. Reading files is the edge's job, so it lives here rather than in `Domain`.
public enum RuleSetDirectory {
    public static let filesMax = 256

    /// The rule book of the defaults plus every `*.json` file of `directory` (sorted by name).
    public static func ruleBook(adding directory: String?, to base: RuleBook = .defaults) throws(CommandError)
        -> RuleBook
    {
        guard let directory else { return base }
        let ruleSets = try load(directory)
        do { return try base.adding(ruleSets) } catch {
            throw CommandError(.invalidRequest, "the rule sets of \(directory) do not fit the defaults: \(error)")
        }
    }

    public static func load(_ directory: String) throws(CommandError) -> [RuleSet] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw CommandError(.invalidRequest, "cannot list the rules directory \(directory)")
        }
        let files = names.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".schema.json") }.sorted()
        guard files.count <= filesMax else {
            throw CommandError(.limitExceeded, "\(directory) holds over \(filesMax) rule-set files")
        }
        var ruleSets: [RuleSet] = []
        for name in files {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandError(.invalidRequest, "cannot read the rule-set file \(path)")
            }
            do { ruleSets.append(try RuleSet.decode(json: Array(data))) } catch {
                throw CommandError(.invalidRequest, "\(path): \(error)")
            }
        }
        return ruleSets
    }
}
