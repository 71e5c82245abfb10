/// One header line of a part, with the name as the client spelled it.
public struct MultipartHeaderField: Sendable, Hashable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The headers of one part of a multipart/form-data body.
public struct MultipartPartHeaders: Sendable, Hashable {
    /// The form field name from `Content-Disposition` (never empty).
    public let name: String
    /// The client's file name, for display only: it may contain `../`, quotes, or any Unicode.
    /// It is taken from `filename*` when that decodes, else from `filename`. Never use it as a path.
    public let filename: String?
    /// The part's `Content-Type` as sent; the client's claim, not a sniffed type.
    public let contentType: String?
    /// Every header line in order.
    public let fields: [MultipartHeaderField]

    public init(name: String, filename: String?, contentType: String?, fields: [MultipartHeaderField]) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.fields = fields
    }

    /// The value of the first header with this name, compared case-insensitively.
    public subscript(_ headerName: String) -> String? {
        let wanted = headerName.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }
}
