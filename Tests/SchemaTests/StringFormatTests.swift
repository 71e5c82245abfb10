import Testing

@testable import Schema

@Suite struct StringFormatTests {
    @Test(arguments: [
        ("2024-05-01T10:00:00Z", StringFormat.dateTime), ("2024-05-01 10:00:00", .dateTime),
        ("2024-05-01T10:00:00.123456789+02:00", .dateTime), ("2024-05-01T23:59:59-0530", .dateTime),
        ("2024-05-01T10:00:00+02", .dateTime), ("2024-02-29T00:00:00z", .dateTime), ("2024-05-01", .date),
        ("2000-02-29", .date), ("0001-01-01", .date), ("550e8400-e29b-41d4-a716-446655440000", .uuid),
        ("550E8400-E29B-41D4-A716-446655440000", .uuid), ("ada@example.org", .email), ("a.b+c@mail.example.co", .email),
        ("https://example.org/a?b=c", .uri), ("mailto:ada@example.org", .uri), ("urn:isbn:0451450523", .uri),
        ("ftp://files", .uri), ("42", .integerString), ("-7", .integerString), ("0", .integerString),
        ("9223372036854775807", .integerString), ("-9223372036854775808", .integerString),
    ])
    func formatsAreRecognised(value: String, format: StringFormat) {
        #expect(StringFormat.detect(value) == format, "\(value)")
    }

    @Test(arguments: [
        "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "0000-01-01", "2024-05-01T24:00:00",
        "2024-05-01T10:60:00", "2024-05-01T10:00:60", "2024-05-01T10:00:00.", "2024-05-01T10:00:00.1234567890",
        "2024-05-01T10:00:00+16:00", "2024-05-01T10:00:00+02:", "2024-05-01X10:00:00", "2024-5-1", "1900-02-29",
        "550e8400-e29b-41d4-a716-44665544000g", "550e8400e29b41d4a716446655440000", "ada@example", "a b@example.org",
        "a@b@example.org", "@example.org", "a:b", "x://", "note:1", "http://exa mple.org", "9223372036854775808",
        "-9223372036854775809", "007", "-", "+1", "1.5", "", "hello", "12:30",
    ])
    func lookalikesAreNotRecognised(value: String) {
        #expect(StringFormat.detect(value) == nil, "\(value)")
    }

    @Test func mailtoCountsAsURIWhenItIsNotAnEmail() {
        #expect(StringFormat.detect("mailto:someone") == .uri)
    }

    @Test(arguments: [
        ("123", true), ("u123", true), ("id_42", true), ("A17", true), ("sparse_123", true),
        ("550e8400-e29b-41d4-a716-446655440000", true), ("2024-05-01", true), ("5f3a9c12", true),
        ("ada@example.org", true), ("str1", false), ("name", false), ("createdAt", false), ("nested_obj", false),
        ("facade", false), ("x2", false), ("verylongprefix12", false),
    ])
    func keysThatAreDataAreTold(key: String, isDataLike: Bool) {
        #expect(KeyClassification.isDataLike(key) == isDataLike, "\(key)")
    }
}
