import Hummingbird
import NIOCore

/// `GET /openapi.yaml`: the description of this API, the bytes of docs/openapi.yaml as they were
/// when the binary was built. No key: it holds no user data.
struct OpenAPIController {
    static let document = ByteBuffer(bytes: PackageResources.openapi_yaml)

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("openapi.yaml") { _, _ in
            // RFC 9512's media type for YAML.
            Response(
                status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: Self.document))
        }
    }
}
