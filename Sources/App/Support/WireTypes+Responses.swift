import Hummingbird
import WireTypes

// The wire types are plain Codable values shared with the CLI and the tests; here they learn to
// be HTTP responses.
extension IngestAccepted: ResponseEncodable {}
extension SearchResponse: ResponseEncodable {}
extension IngestStatusResponse: ResponseEncodable {}
extension ReprocessQueued: ResponseEncodable {}
extension JobListResponse: ResponseEncodable {}
extension JobRetried: ResponseEncodable {}
extension CollectionList: ResponseEncodable {}
extension CollectionDetail: ResponseEncodable {}
extension CollectionSummary: ResponseEncodable {}
