import Foundation

/// The settings of `preprocessor_config.json` (`CLIPImageProcessor`): resize the shortest edge,
/// centre-crop, rescale to [0, 1], normalise per channel.
public struct CLIPImagePreprocessing: Sendable, Equatable {
    public var resizeShortestEdge: Int?
    public var crop: (width: Int, height: Int)?
    public var rescaleFactor: Double?
    public var mean: [Float]?
    public var std: [Float]?

    public static let openAI = CLIPImagePreprocessing(
        resizeShortestEdge: 224, crop: (224, 224), rescaleFactor: 1.0 / 255.0,
        mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711])

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.resizeShortestEdge == rhs.resizeShortestEdge && lhs.crop?.width == rhs.crop?.width
            && lhs.crop?.height == rhs.crop?.height && lhs.rescaleFactor == rhs.rescaleFactor
            && lhs.mean == rhs.mean && lhs.std == rhs.std
    }

    public init(
        resizeShortestEdge: Int?, crop: (width: Int, height: Int)?, rescaleFactor: Double?, mean: [Float]?,
        std: [Float]?
    ) {
        self.resizeShortestEdge = resizeShortestEdge
        self.crop = crop
        self.rescaleFactor = rescaleFactor
        self.mean = mean
        self.std = std
    }

    /// Reads both the legacy form (`"size": 224, "crop_size": 224`) and the explicit one
    /// (`size: {shortest_edge}`, `crop_size: {height, width}`).
    public init(contentsOf url: URL) throws {
        let path = url.path
        let json = JSONObject(try JSONObject.read(url), path: path)
        let values = json.values
        func invalid(_ reason: String) -> CLIPError { .invalidConfiguration(path: path, reason: reason) }

        if try json.int("resample", default: 3) != 3 {
            throw invalid("only resample 3 (bicubic) is supported")
        }
        if try json.bool("do_resize", default: true) {
            switch values["size"] {
            case nil: resizeShortestEdge = 224
            case let edge as NSNumber: resizeShortestEdge = edge.intValue
            case let object as [String: Any]:
                guard let edge = object["shortest_edge"] as? NSNumber else {
                    throw invalid("size must give shortest_edge (fixed height/width resizing is not CLIP's)")
                }
                resizeShortestEdge = edge.intValue
            default: throw invalid("size must be a number or {shortest_edge}")
            }
            guard (resizeShortestEdge ?? 0) > 0 else { throw invalid("size must be positive") }
        }
        if try json.bool("do_center_crop", default: true) {
            switch values["crop_size"] {
            case nil: crop = (224, 224)
            case let side as NSNumber: crop = (side.intValue, side.intValue)
            case let object as [String: Any]:
                guard let height = object["height"] as? NSNumber, let width = object["width"] as? NSNumber else {
                    throw invalid("crop_size must give height and width")
                }
                crop = (width.intValue, height.intValue)
            default: throw invalid("crop_size must be a number or {height, width}")
            }
            guard let crop, crop.width > 0, crop.height > 0 else { throw invalid("crop_size must be positive") }
        }
        if try json.bool("do_rescale", default: true) {
            let factor = try json.double("rescale_factor", default: 1.0 / 255.0)
            // Foundation's JSON number parsing can land one ulp off Python's `1/255` repr
            // (0.00392156862745098); snap to the exact value so pixels match bit for bit.
            rescaleFactor = abs(factor - 1.0 / 255.0) <= 1e-15 ? 1.0 / 255.0 : factor
        }
        if try json.bool("do_normalize", default: true) {
            guard let mean = (values["image_mean"] as? [NSNumber])?.map({ $0.floatValue }) ?? Self.openAI.mean,
                let std = (values["image_std"] as? [NSNumber])?.map({ $0.floatValue }) ?? Self.openAI.std,
                mean.count == 3, std.count == 3, std.allSatisfy({ $0 != 0 })
            else { throw invalid("image_mean and image_std must be three numbers, std non-zero") }
            self.mean = mean
            self.std = std
        }
    }
}
