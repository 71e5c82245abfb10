import App
import Imaging
import Processing

extension MediaSettings {
    init(_ limits: AppConfiguration.MediaLimits) {
        self.init(
            limits: ImageLimits(maximumPixels: limits.maximumPixels, maximumFrames: limits.maximumFrames),
            maximumImageBytes: limits.maximumImageBytes, tools: MediaTools(timeout: limits.toolTimeout))
    }
}
