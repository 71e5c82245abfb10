import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An S3 answer's XML as a small tree. The answers read here (listings of at most 1,000 keys,
/// upload ids, copy results, errors) are small, so a tree is simpler than a streaming reader.
struct S3XML: Sendable, Equatable {
    let name: String
    var text = ""
    var children: [S3XML] = []

    func child(_ name: String) -> S3XML? { children.first { $0.name == name } }
    func children(_ name: String) -> [S3XML] { children.filter { $0.name == name } }
    /// The text of the child element `name`.
    func value(_ name: String) -> String? { child(name)?.text }

    /// nil when `data` is not well-formed XML.
    static func parse(_ data: Data) -> S3XML? {
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [S3XML] = []
        var root: S3XML?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            stack.append(S3XML(name: name))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard var element = stack.popLast() else { return }
            // Container elements' text is only the whitespace between their children.
            if !element.children.isEmpty { element.text = "" }
            if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
        }
    }
}
