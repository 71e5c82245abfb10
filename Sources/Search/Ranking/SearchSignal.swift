/// One source of evidence that a medium answers a query. Each gives a ranked list; the lists
/// are fused into one ranking. A new source (text recognised in images, say) is one more case
/// here, one more look-up, and a weight: nothing else changes.
public enum SearchSignal: String, Sendable, CaseIterable, Codable, Comparable {
    /// CLIP: the query's embedding against the media's.
    case clip
    /// The words of the original filename.
    case filename
    /// What the uploader wrote with the file.
    case comments
    /// The zero-shot tags (and any tags added later).
    case tags
    /// The name of the cluster (folder) the medium is in.
    case cluster
    /// The camera's make and model.
    case camera
    /// The year, month or day the query names, against when the medium was taken.
    case date

    /// Its weight in the fusion. Words a person wrote or chose (filename, comments, a cluster's
    /// name) count as much as CLIP; tags count half, because they are CLIP's own judgement
    /// again (zero-shot), and counting them fully would count CLIP twice; camera and date count
    /// half too, because they narrow down rather than say what is in the picture.
    public var weight: Double {
        switch self {
        case .clip, .filename, .comments, .cluster: 1
        case .tags, .camera, .date: 0.5
        }
    }

    public static func < (lhs: SearchSignal, rhs: SearchSignal) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
