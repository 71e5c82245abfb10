/// The everyday concepts every image and video is scored against, before an admin adds or
/// removes any (`/api/v1/admin/tags/vocabulary`). Seeded by migration 6; a later build that adds
/// terms adds them in a migration of its own, so a term an admin removed never comes back. Kept to what people search their own photos
/// for: animals, people and moments, places and scenes, things, food, and the documents that end
/// up in a camera roll.
public enum BuiltInVocabulary {
    public static let terms: [String] = animals + people + events + scenes + nature + things + food + documents

    static let animals = [
        "dog", "puppy", "cat", "kitten", "bird", "parrot", "owl", "eagle", "duck", "swan", "chicken", "horse",
        "pony", "cow", "sheep", "goat", "pig", "rabbit", "hamster", "guinea pig", "mouse", "squirrel", "deer",
        "fox", "wolf", "bear", "polar bear", "panda", "koala", "kangaroo", "monkey", "gorilla", "elephant",
        "giraffe", "zebra", "lion", "tiger", "leopard", "camel", "hippopotamus", "rhinoceros", "fish",
        "goldfish", "shark", "dolphin", "whale", "seal", "penguin", "turtle", "frog", "snake", "lizard",
        "butterfly", "bee", "spider", "insect", "crab", "jellyfish", "octopus", "bat", "hedgehog", "flamingo",
        "peacock", "pigeon", "seagull",
    ]
    static let people = [
        "person", "man", "woman", "child", "baby", "toddler", "teenager", "elderly person", "family", "couple",
        "group of people", "crowd", "selfie", "portrait", "face", "smile", "hands", "runner", "cyclist",
        "swimmer", "skier", "surfer", "musician", "dancer", "chef", "doctor", "soldier", "police officer",
        "athlete", "student",
    ]
    static let events = [
        "birthday party", "birthday cake", "wedding", "bride", "groom", "graduation", "christmas",
        "christmas tree", "halloween", "easter", "new year", "fireworks", "concert", "festival", "parade",
        "party", "picnic", "barbecue", "camping", "hiking", "road trip", "vacation", "holiday", "meeting",
        "conference", "lecture", "classroom", "sports game", "football match", "basketball game",
        "tennis match", "marathon", "swimming", "skiing", "snowboarding", "surfing", "sailing", "fishing",
        "yoga", "workout", "dinner party", "family gathering", "baby shower", "funeral", "protest",
    ]
    static let scenes = [
        "beach", "sea", "ocean", "lake", "river", "waterfall", "mountain", "hill", "valley", "forest",
        "jungle", "desert", "field", "meadow", "farm", "garden", "park", "playground", "city", "city skyline",
        "street", "road", "highway", "bridge", "tunnel", "village", "countryside", "harbor", "island",
        "cliff", "cave", "glacier", "volcano", "canyon", "snow", "ice", "sky", "clouds", "sunset", "sunrise",
        "night sky", "stars", "moon", "rainbow", "storm", "rain", "fog", "lightning", "aerial view",
        "underwater", "kitchen", "living room", "bedroom", "bathroom", "office", "restaurant", "cafe", "bar",
        "shop", "supermarket", "market", "shopping mall", "museum", "art gallery", "library", "church",
        "temple", "mosque", "castle", "palace", "ruins", "monument", "statue", "tower", "skyscraper",
        "house", "apartment building", "school", "hospital", "airport", "train station", "stadium",
        "swimming pool", "gym", "zoo", "aquarium", "amusement park", "theater", "stage", "construction site",
        "factory", "parking lot", "hotel room", "tent", "indoor", "outdoor",
    ]
    static let nature = [
        "flower", "rose", "tulip", "sunflower", "tree", "palm tree", "autumn leaves", "grass", "plant",
        "cactus", "mushroom", "rock", "sand", "wave", "shell",
    ]
    static let things = [
        "car", "truck", "bus", "motorcycle", "bicycle", "scooter", "train", "tram", "airplane", "helicopter",
        "boat", "ship", "sailboat", "kayak", "tractor", "taxi", "fire truck", "ambulance", "traffic light",
        "road sign", "phone", "laptop", "computer", "keyboard", "screen", "television", "camera", "headphones",
        "watch", "clock", "book", "newspaper", "magazine", "pen", "backpack", "handbag", "suitcase",
        "umbrella", "glasses", "sunglasses", "hat", "shoes", "dress", "suit", "jacket", "t-shirt", "jewelry",
        "ring", "necklace", "toy", "teddy bear", "doll", "ball", "football", "basketball", "tennis racket",
        "skateboard", "surfboard", "skis", "guitar", "piano", "violin", "drums", "microphone", "chair",
        "table", "sofa", "bed", "lamp", "candle", "window", "door", "stairs", "mirror", "painting", "poster",
        "flag", "balloon", "gift", "christmas lights", "bottle", "cup", "mug", "glass of wine",
        "plate", "bowl", "knife", "fork", "vase", "plant pot", "bench", "fence", "fountain", "lighthouse",
        "windmill", "kite", "drone", "robot", "tool", "car interior", "dashboard", "bicycle helmet",
    ]
    static let food = [
        "food", "meal", "breakfast", "lunch", "dinner", "dessert", "cake", "cupcake", "cookie", "bread",
        "sandwich", "burger", "pizza", "pasta", "noodles", "sushi", "rice", "salad", "soup", "steak",
        "chicken dish", "fish dish", "seafood", "eggs", "fruit", "apple", "banana", "orange", "strawberry",
        "grapes", "watermelon", "vegetables", "cheese", "chocolate", "ice cream", "coffee", "tea", "wine",
        "beer", "cocktail", "juice", "drink",
    ]
    static let documents = [
        "document", "receipt", "invoice", "letter", "form", "contract", "ticket", "boarding pass",
        "passport", "identity card", "business card", "credit card", "banknote", "coin", "map", "menu",
        "handwriting", "whiteboard", "blackboard", "screenshot", "chart", "diagram", "spreadsheet",
        "presentation slide", "text", "sign", "label", "barcode", "qr code", "calendar", "note", "recipe",
        "certificate", "book page", "sheet music", "drawing", "sketch", "cartoon", "meme", "logo",
    ]
}
