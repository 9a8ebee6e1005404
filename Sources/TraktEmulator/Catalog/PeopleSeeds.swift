/// Word lists for generated users, shouts, reviews and lists (invented; no real people).
enum PeopleSeeds {
    static let maleNames = [
        "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
        "Daniel", "Matthew", "Anthony", "Mark", "Steven", "Paul", "Andrew", "Joshua", "Kevin", "Brian",
        "Ryan", "Jacob", "Gary", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon",
        "Frank", "Gregory", "Samuel", "Patrick", "Alexander", "Jack", "Dennis", "Tyler", "Aaron", "Adam",
        "Nathan", "Henry", "Zach", "Peter", "Kyle", "Noah", "Ethan", "Lucas", "Oliver", "Leo",
        "Mateo", "Hugo", "Lars", "Sven", "Pierre", "Marco", "Kenji", "Ravi", "Omar", "Diego",
    ]
    static let femaleNames = [
        "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
        "Nancy", "Lisa", "Betty", "Sandra", "Ashley", "Emily", "Donna", "Michelle", "Amanda", "Melissa",
        "Deborah", "Stephanie", "Rebecca", "Laura", "Sharon", "Cynthia", "Kathleen", "Amy", "Angela", "Anna",
        "Brenda", "Emma", "Olivia", "Sophia", "Isabella", "Mia", "Charlotte", "Amelia", "Harper", "Evelyn",
        "Chloe", "Grace", "Zoe", "Nora", "Lily", "Hannah", "Aiko", "Priya", "Fatima", "Lucia",
        "Ingrid", "Chiara", "Camille", "Elena", "Sofia", "Yuki", "Maya", "Leila", "Freya", "Alba",
    ]
    static let lastNames = [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
        "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
        "Nakamura", "Larsen", "Dubois", "Rossi", "Schmidt", "Kowalski", "Okafor", "Patel", "Silva", "Novak",
    ]
    static let handles = [
        "tv", "binge", "couch", "remote", "pixel", "night", "film", "reel", "serial", "pilot",
        "finale", "cliff", "hanger", "spoiler", "marathon", "popcorn", "screen", "zombie", "dragon", "wolf",
    ]
    static let locations = [
        "Los Angeles, CA, USA", "San Francisco, CA, USA", "Seattle, WA, USA", "Portland, OR, USA",
        "New York, NY, USA", "Chicago, IL, USA", "Austin, TX, USA", "Atlanta, GA, USA", "Denver, CO, USA",
        "Boston, MA, USA", "Toronto, ON, Canada", "Vancouver, BC, Canada", "Parksville, BC, Canada",
        "London, United Kingdom", "Manchester, United Kingdom", "Dublin, Ireland", "Paris, France",
        "Berlin, Germany", "Amsterdam, Netherlands", "Stockholm, Sweden", "Oslo, Norway", "Madrid, Spain",
        "Rome, Italy", "Warsaw, Poland", "Sydney, Australia", "Melbourne, Australia", "Auckland, New Zealand",
        "Tokyo, Japan", "São Paulo, Brazil", "Mexico City, Mexico", "", "", "",
    ]
    static let abouts = [
        "", "", "", "Watching too much TV since 1994.", "Zombie apocalypse survival expert (in theory).",
        "Mostly dramas, sometimes comedies, never reality TV.", "I rate everything. Sorry.",
        "Film student. Opinions are my own.", "Catching up on the classics one season at a time.",
        "Sci-fi, fantasy & anything with dragons.", "Weekend binge-watcher.", "Here for the cliffhangers.",
        "Will watch anything with a good soundtrack.", "Trying to finish my watchlist before it finishes me.",
    ]
    static let shoutTemplates = [
        "Can't believe what happened in %@!", "%@ just keeps getting better.", "Not sure about this one, %@ dragged a bit.",
        "That ending of %@ though...", "Rewatching %@ with friends tonight.", "%@ is criminally underrated.",
        "Finally caught up on %@.", "Who else thinks %@ peaked here?", "The soundtrack in %@ is perfect.",
        "%@: best thing on TV right now.", "Okay %@, you got me. I cried.", "Slow start, but %@ pays off.",
    ]
    static let reviewSentences = [
        "The writing is sharp and the pacing rarely lets up.",
        "Performances across the board are excellent, especially in the quieter scenes.",
        "Some subplots feel like filler, but the main story carries it.",
        "The cinematography deserves a special mention.",
        "It takes a while to find its footing, and then it is hard to stop watching.",
        "The score does a lot of heavy lifting in the key moments.",
        "A few character decisions strain belief.",
        "It rewards patience and attention to detail.",
        "The final act ties the threads together in a satisfying way.",
        "I would recommend it without hesitation.",
    ]
    static let listNames = [
        "Favorites", "Watch with friends", "Best pilots ever", "Comfort rewatches", "To binge next",
        "Weekend marathon", "Mind-benders", "Guilty pleasures", "Top 10 of all time", "Halloween picks",
        "Cult classics", "Shows that got cancelled too soon", "Date night", "Award winners", "Recommended by mom",
    ]
}
