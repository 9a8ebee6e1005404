/// Static facts about one real show. Episode counts per season are the real ones as far as we
/// know them (specials in season 0 are invented counts); episode titles are real for a few
/// seasons and otherwise generated as "Episode N".
struct ShowSeed: Sendable {
    let slug: String
    let title: String
    let year: Int
    /// First air date, "YYYY-MM-DD".
    let premiere: String
    let tvdb: Int
    let imdb: String
    let tvrage: Int
    let network: String
    let country: String
    let runtime: Int
    let airDay: String
    let airTime: String
    let certification: String
    let genres: [String]
    let status: String
    /// Relative share of activity.
    let popularity: Double
    /// Episodes in seasons 1...n.
    let seasons: [Int]
    /// Episodes in season 0 (specials); 0 = no specials season.
    let specials: Int
    let overview: String
    /// Real episode titles: season → titles in order.
    let titles: [Int: [String]]

    init(
        _ slug: String, _ title: String, _ year: Int, _ premiere: String, tvdb: Int, imdb: String, tvrage: Int = 0,
        network: String, country: String = "United States", runtime: Int, airDay: String, airTime: String,
        cert: String, genres: [String], status: String = "Ended", popularity: Double, seasons: [Int],
        specials: Int = 0, overview: String, titles: [Int: [String]] = [:]
    ) {
        self.slug = slug
        self.title = title
        self.year = year
        self.premiere = premiere
        self.tvdb = tvdb
        self.imdb = imdb
        self.tvrage = tvrage
        self.network = network
        self.country = country
        self.runtime = runtime
        self.airDay = airDay
        self.airTime = airTime
        self.certification = cert
        self.genres = genres
        self.status = status
        self.popularity = popularity
        self.seasons = seasons
        self.specials = specials
        self.overview = overview
        self.titles = titles
    }
}

enum ShowSeeds {
    static let all: [ShowSeed] = [
        ShowSeed(
            "the-walking-dead", "The Walking Dead", 2010, "2010-10-31", tvdb: 153021, imdb: "tt1520211", tvrage: 25056,
            network: "AMC", runtime: 60, airDay: "Sunday", airTime: "9:00pm", cert: "TV-MA",
            genres: ["Action", "Drama", "Horror"], popularity: 26,
            seasons: [6, 13, 16, 16, 16, 16, 16, 16, 16, 22, 24], specials: 6,
            overview: "A sheriff's deputy wakes from a coma to find the world overrun by the dead and leads a band of survivors in search of a safe home.",
            titles: [
                1: ["Days Gone Bye", "Guts", "Tell It to the Frogs", "Vatos", "Wildfire", "TS-19"],
                2: [
                    "What Lies Ahead", "Bloodletting", "Save the Last One", "Cherokee Rose", "Chupacabra", "Secrets",
                    "Pretty Much Dead Already", "Nebraska", "Triggerfinger", "18 Miles Out", "Judge, Jury, Executioner",
                    "Better Angels", "Beside the Dying Fire",
                ],
            ]
        ),
        ShowSeed(
            "breaking-bad", "Breaking Bad", 2008, "2008-01-20", tvdb: 81189, imdb: "tt0903747", tvrage: 18164,
            network: "AMC", runtime: 45, airDay: "Sunday", airTime: "10:00pm", cert: "TV-MA",
            genres: ["Crime", "Drama", "Thriller"], popularity: 9, seasons: [7, 13, 13, 13, 16], specials: 4,
            overview: "A chemistry teacher facing a terminal diagnosis turns to making methamphetamine to secure his family's future.",
            titles: [
                1: [
                    "Pilot", "Cat's in the Bag...", "...And the Bag's in the River", "Cancer Man", "Gray Matter",
                    "Crazy Handful of Nothin'", "A No-Rough-Stuff-Type Deal",
                ]
            ]
        ),
        ShowSeed(
            "game-of-thrones", "Game of Thrones", 2011, "2011-04-17", tvdb: 121361, imdb: "tt0944947", tvrage: 24493,
            network: "HBO", runtime: 60, airDay: "Sunday", airTime: "9:00pm", cert: "TV-MA",
            genres: ["Adventure", "Drama", "Fantasy"], popularity: 11, seasons: [10, 10, 10, 10, 10, 10, 7, 6],
            overview: "Noble houses of a medieval continent wage war for the Iron Throne while an ancient threat gathers beyond the Wall.",
            titles: [
                1: [
                    "Winter Is Coming", "The Kingsroad", "Lord Snow", "Cripples, Bastards, and Broken Things",
                    "The Wolf and the Lion", "A Golden Crown", "You Win or You Die", "The Pointy End", "Baelor",
                    "Fire and Blood",
                ]
            ]
        ),
        ShowSeed(
            "dexter", "Dexter", 2006, "2006-10-01", tvdb: 79349, imdb: "tt0773262", tvrage: 7926,
            network: "Showtime", runtime: 55, airDay: "Sunday", airTime: "9:00pm", cert: "TV-MA",
            genres: ["Crime", "Drama", "Mystery"], popularity: 5, seasons: [12, 12, 12, 12, 12, 12, 12, 12],
            overview: "A blood-spatter analyst for the Miami police leads a secret life as a vigilante killer."
        ),
        ShowSeed(
            "the-big-bang-theory", "The Big Bang Theory", 2007, "2007-09-24", tvdb: 80379, imdb: "tt0898266", tvrage: 8511,
            network: "CBS", runtime: 25, airDay: "Thursday", airTime: "8:00pm", cert: "TV-PG",
            genres: ["Comedy"], popularity: 6, seasons: [17, 23, 23, 24, 24, 24, 24, 24, 24, 24, 24, 24],
            overview: "Two physicists sharing an apartment find their orderly lives upended by the aspiring actress across the hall."
        ),
        ShowSeed(
            "how-i-met-your-mother", "How I Met Your Mother", 2005, "2005-09-19", tvdb: 75760, imdb: "tt0460649", tvrage: 3918,
            network: "CBS", runtime: 25, airDay: "Monday", airTime: "8:00pm", cert: "TV-PG",
            genres: ["Comedy", "Romance"], popularity: 4, seasons: [22, 22, 20, 24, 24, 24, 24, 24, 24],
            overview: "In 2030 an architect tells his children the long story of how he met their mother."
        ),
        ShowSeed(
            "lost", "Lost", 2004, "2004-09-22", tvdb: 73739, imdb: "tt0411008", tvrage: 4284,
            network: "ABC", runtime: 45, airDay: "Tuesday", airTime: "9:00pm", cert: "TV-14",
            genres: ["Adventure", "Drama", "Mystery"], popularity: 4, seasons: [25, 24, 23, 14, 17, 18], specials: 8,
            overview: "Survivors of a plane crash on a mysterious tropical island must work together to stay alive."
        ),
        ShowSeed(
            "friends", "Friends", 1994, "1994-09-22", tvdb: 79168, imdb: "tt0108778", tvrage: 3616,
            network: "NBC", runtime: 25, airDay: "Thursday", airTime: "8:00pm", cert: "TV-PG",
            genres: ["Comedy", "Romance"], popularity: 4, seasons: [24, 24, 25, 24, 24, 25, 24, 24, 24, 18],
            overview: "Six friends navigate work, love and coffee in Manhattan."
        ),
        ShowSeed(
            "the-office", "The Office", 2005, "2005-03-24", tvdb: 73244, imdb: "tt0386676", tvrage: 6061,
            network: "NBC", runtime: 25, airDay: "Thursday", airTime: "9:00pm", cert: "TV-14",
            genres: ["Comedy"], popularity: 5, seasons: [6, 22, 25, 19, 28, 26, 26, 24, 25],
            overview: "A mockumentary about the everyday lives of office employees at a paper company in Scranton."
        ),
        ShowSeed(
            "house", "House", 2004, "2004-11-16", tvdb: 73255, imdb: "tt0412142", tvrage: 3908,
            network: "FOX", runtime: 45, airDay: "Monday", airTime: "8:00pm", cert: "TV-14",
            genres: ["Drama", "Mystery"], popularity: 3, seasons: [22, 24, 24, 16, 24, 22, 23, 22],
            overview: "An antisocial diagnostic genius and his team solve medical mysteries nobody else can."
        ),
        ShowSeed(
            "sherlock", "Sherlock", 2010, "2010-07-25", tvdb: 176941, imdb: "tt1475582", tvrage: 23433,
            network: "BBC One", country: "United Kingdom", runtime: 90, airDay: "Sunday", airTime: "8:30pm",
            cert: "TV-14", genres: ["Crime", "Drama", "Mystery"], popularity: 4, seasons: [3, 3, 3, 3], specials: 2,
            overview: "A modern retelling of the consulting detective and his army-doctor flatmate in contemporary London.",
            titles: [1: ["A Study in Pink", "The Blind Banker", "The Great Game"]]
        ),
        ShowSeed(
            "doctor-who-2005", "Doctor Who", 2005, "2005-03-26", tvdb: 78804, imdb: "tt0436992", tvrage: 3332,
            network: "BBC One", country: "United Kingdom", runtime: 45, airDay: "Saturday", airTime: "7:00pm",
            cert: "TV-PG", genres: ["Adventure", "Drama", "Science Fiction"], popularity: 3,
            seasons: [13, 13, 13, 13, 13, 13, 14, 12, 12, 12], specials: 12,
            overview: "A time-travelling alien and companions explore the universe in a ship shaped like a police box."
        ),
        ShowSeed(
            "mad-men", "Mad Men", 2007, "2007-07-19", tvdb: 80337, imdb: "tt0804503", tvrage: 16356,
            network: "AMC", runtime: 47, airDay: "Sunday", airTime: "10:00pm", cert: "TV-14",
            genres: ["Drama"], popularity: 2, seasons: [13, 13, 13, 13, 13, 13, 14],
            overview: "A brilliant, secretive creative director works the agencies of 1960s Madison Avenue."
        ),
        ShowSeed(
            "the-sopranos", "The Sopranos", 1999, "1999-01-10", tvdb: 75299, imdb: "tt0141842", tvrage: 6245,
            network: "HBO", runtime: 55, airDay: "Sunday", airTime: "9:00pm", cert: "TV-MA",
            genres: ["Crime", "Drama"], popularity: 2, seasons: [13, 13, 13, 13, 13, 21],
            overview: "A New Jersey mob boss balances family life and the family business, with help from a psychiatrist."
        ),
        ShowSeed(
            "the-wire", "The Wire", 2002, "2002-06-02", tvdb: 79126, imdb: "tt0306414", tvrage: 6357,
            network: "HBO", runtime: 60, airDay: "Sunday", airTime: "9:00pm", cert: "TV-MA",
            genres: ["Crime", "Drama", "Thriller"], popularity: 2, seasons: [13, 12, 12, 13, 10],
            overview: "Baltimore's drug trade, seen through the eyes of dealers and the police who pursue them."
        ),
        ShowSeed(
            "homeland", "Homeland", 2011, "2011-10-02", tvdb: 247897, imdb: "tt1796960", tvrage: 27811,
            network: "Showtime", runtime: 55, airDay: "Sunday", airTime: "10:00pm", cert: "TV-MA",
            genres: ["Drama", "Thriller"], popularity: 3, seasons: [12, 12, 12, 12, 12, 12, 12, 12],
            overview: "A CIA officer suspects a rescued prisoner of war has been turned by al-Qaeda."
        ),
        ShowSeed(
            "arrow", "Arrow", 2012, "2012-10-10", tvdb: 257655, imdb: "tt2193021", tvrage: 30715,
            network: "The CW", runtime: 42, airDay: "Wednesday", airTime: "8:00pm", cert: "TV-14",
            genres: ["Action", "Adventure", "Crime"], popularity: 3, seasons: [23, 23, 23, 23, 23, 22, 22, 10],
            overview: "A billionaire playboy returns from five years stranded on an island to fight crime as a hooded archer."
        ),
        ShowSeed(
            "the-flash-2014", "The Flash", 2014, "2014-10-07", tvdb: 279121, imdb: "tt3107288", tvrage: 36939,
            network: "The CW", runtime: 43, airDay: "Tuesday", airTime: "8:00pm", cert: "TV-PG",
            genres: ["Action", "Adventure", "Drama"], popularity: 3, seasons: [23, 23, 23, 23, 22, 22, 18, 18, 13],
            overview: "A forensic scientist struck by lightning becomes the fastest man alive."
        ),
        ShowSeed(
            "supernatural", "Supernatural", 2005, "2005-09-13", tvdb: 78901, imdb: "tt0460681", tvrage: 5410,
            network: "The CW", runtime: 45, airDay: "Thursday", airTime: "8:00pm", cert: "TV-14",
            genres: ["Drama", "Fantasy", "Horror"], popularity: 3,
            seasons: [22, 22, 16, 22, 22, 22, 23, 23, 23, 23, 23, 23, 23, 20, 20],
            overview: "Two brothers drive across America hunting demons, ghosts and monsters."
        ),
        ShowSeed(
            "stranger-things", "Stranger Things", 2016, "2016-07-15", tvdb: 305288, imdb: "tt4574334",
            network: "Netflix", runtime: 50, airDay: "Friday", airTime: "3:00am", cert: "TV-14",
            genres: ["Drama", "Fantasy", "Horror"], popularity: 6, seasons: [8, 9, 8, 9, 8],
            overview: "In a small Indiana town, a boy's disappearance uncovers secret experiments and a girl with strange powers."
        ),
        ShowSeed(
            "true-detective", "True Detective", 2014, "2014-01-12", tvdb: 270633, imdb: "tt2356777", tvrage: 31369,
            network: "HBO", runtime: 60, airDay: "Sunday", airTime: "9:00pm", cert: "TV-MA",
            genres: ["Crime", "Drama", "Mystery"], status: "Continuing", popularity: 2, seasons: [8, 8, 8, 6],
            overview: "Each season, detectives unravel a case that reaches into their own lives."
        ),
        ShowSeed(
            "house-of-cards", "House of Cards", 2013, "2013-02-01", tvdb: 262980, imdb: "tt1856010", tvrage: 27822,
            network: "Netflix", runtime: 50, airDay: "Friday", airTime: "3:00am", cert: "TV-MA",
            genres: ["Drama"], popularity: 2, seasons: [13, 13, 13, 13, 13, 8],
            overview: "A ruthless congressman and his wife scheme their way to the centre of power in Washington."
        ),
        ShowSeed(
            "orange-is-the-new-black", "Orange Is the New Black", 2013, "2013-07-11", tvdb: 264586, imdb: "tt2372162",
            tvrage: 32950, network: "Netflix", runtime: 55, airDay: "Friday", airTime: "3:00am", cert: "TV-MA",
            genres: ["Comedy", "Crime", "Drama"], popularity: 2, seasons: [13, 13, 13, 13, 13, 13, 13],
            overview: "A woman serves time in a federal prison for a crime from her past."
        ),
        ShowSeed(
            "better-call-saul", "Better Call Saul", 2015, "2015-02-08", tvdb: 273181, imdb: "tt3032476", tvrage: 37780,
            network: "AMC", runtime: 45, airDay: "Monday", airTime: "10:00pm", cert: "TV-MA",
            genres: ["Crime", "Drama"], popularity: 4, seasons: [10, 10, 10, 10, 10, 13],
            overview: "The story of a small-time lawyer's transformation into a criminal attorney, years before Breaking Bad."
        ),
        ShowSeed(
            "fargo", "Fargo", 2014, "2014-04-15", tvdb: 269613, imdb: "tt2802850", tvrage: 36152,
            network: "FX", runtime: 60, airDay: "Tuesday", airTime: "10:00pm", cert: "TV-MA",
            genres: ["Crime", "Drama", "Thriller"], status: "Continuing", popularity: 2, seasons: [10, 10, 10, 11, 10],
            overview: "An anthology of crime stories set in the snowy Upper Midwest."
        ),
        ShowSeed(
            "westworld", "Westworld", 2016, "2016-10-02", tvdb: 296762, imdb: "tt0475784",
            network: "HBO", runtime: 60, airDay: "Sunday", airTime: "9:00pm", cert: "TV-MA",
            genres: ["Drama", "Mystery", "Science Fiction"], popularity: 2, seasons: [10, 10, 8, 8],
            overview: "In a theme park staffed by android hosts, the machines begin to question their reality."
        ),
        ShowSeed(
            "the-simpsons", "The Simpsons", 1989, "1989-12-17", tvdb: 71663, imdb: "tt0096697", tvrage: 6190,
            network: "FOX", runtime: 25, airDay: "Sunday", airTime: "8:00pm", cert: "TV-PG",
            genres: ["Animation", "Comedy"], status: "Continuing", popularity: 3,
            seasons: [13, 22, 24, 22, 22, 25, 25, 25, 25, 23, 22, 21, 22, 22, 22, 21, 22, 22, 20, 21, 23, 22, 22, 22, 22, 22, 22, 22, 21, 23, 22, 22, 22, 22, 18],
            overview: "The satirical adventures of a working-class family in the town of Springfield."
        ),
        ShowSeed(
            "south-park", "South Park", 1997, "1997-08-13", tvdb: 75897, imdb: "tt0121955", tvrage: 5266,
            network: "Comedy Central", runtime: 22, airDay: "Wednesday", airTime: "10:00pm", cert: "TV-MA",
            genres: ["Animation", "Comedy"], status: "Continuing", popularity: 3,
            seasons: [13, 18, 17, 17, 14, 17, 15, 14, 14, 14, 14, 14, 14, 14, 14, 14, 10, 10, 10, 10, 10, 10, 10, 2, 6, 6],
            overview: "Four foul-mouthed boys get into trouble in a quiet Colorado mountain town."
        ),
        ShowSeed(
            "community", "Community", 2009, "2009-09-17", tvdb: 94571, imdb: "tt1439629", tvrage: 22589,
            network: "NBC", runtime: 25, airDay: "Thursday", airTime: "8:00pm", cert: "TV-14",
            genres: ["Comedy"], popularity: 2, seasons: [25, 24, 22, 13, 13, 13],
            overview: "A suspended lawyer enrols at a community college and forms an unlikely study group."
        ),
        ShowSeed(
            "parks-and-recreation", "Parks and Recreation", 2009, "2009-04-09", tvdb: 84912, imdb: "tt1266020",
            tvrage: 21686, network: "NBC", runtime: 25, airDay: "Thursday", airTime: "8:30pm", cert: "TV-PG",
            genres: ["Comedy"], popularity: 2, seasons: [6, 24, 16, 22, 22, 22, 13],
            overview: "A relentlessly upbeat mid-level bureaucrat tries to improve her Indiana town, one park at a time."
        ),
        ShowSeed(
            "modern-family", "Modern Family", 2009, "2009-09-23", tvdb: 95011, imdb: "tt1442437", tvrage: 22622,
            network: "ABC", runtime: 22, airDay: "Wednesday", airTime: "9:00pm", cert: "TV-PG",
            genres: ["Comedy"], popularity: 2, seasons: [24, 24, 24, 24, 24, 24, 22, 22, 22, 22, 18],
            overview: "Three related families offer a loving, often hilarious look at family life."
        ),
        ShowSeed(
            "covert-affairs", "Covert Affairs", 2010, "2010-07-13", tvdb: 104281, imdb: "tt1495708", tvrage: 23686,
            network: "USA Network", runtime: 60, airDay: "Tuesday", airTime: "10:00pm", cert: "TV-14",
            genres: ["Action", "Comedy"], popularity: 1, seasons: [11, 16, 16, 16, 16],
            overview: "A young CIA trainee is promoted to field operative, possibly for reasons other than her talent."
        ),
        ShowSeed(
            "fringe", "Fringe", 2008, "2008-09-09", tvdb: 82066, imdb: "tt1119644", tvrage: 18388,
            network: "FOX", runtime: 45, airDay: "Friday", airTime: "9:00pm", cert: "TV-14",
            genres: ["Drama", "Mystery", "Science Fiction"], popularity: 2, seasons: [20, 23, 22, 22, 13],
            overview: "An FBI agent, a brilliant institutionalised scientist and his son investigate unexplained phenomena."
        ),
        ShowSeed(
            "boardwalk-empire", "Boardwalk Empire", 2010, "2010-09-19", tvdb: 84947, imdb: "tt0979432", tvrage: 23561,
            network: "HBO", runtime: 55, airDay: "Sunday", airTime: "9:00pm", cert: "TV-MA",
            genres: ["Crime", "Drama"], popularity: 1, seasons: [12, 12, 12, 12, 8],
            overview: "A corrupt treasurer rules Atlantic City during the early days of Prohibition."
        ),
        ShowSeed(
            "sons-of-anarchy", "Sons of Anarchy", 2008, "2008-09-03", tvdb: 82696, imdb: "tt1124373", tvrage: 18174,
            network: "FX", runtime: 45, airDay: "Tuesday", airTime: "10:00pm", cert: "TV-MA",
            genres: ["Crime", "Drama", "Thriller"], popularity: 2, seasons: [13, 13, 13, 14, 13, 13, 13],
            overview: "A biker struggles to balance loyalty to his motorcycle club with doubts about its violent path."
        ),
        ShowSeed(
            "the-vampire-diaries", "The Vampire Diaries", 2009, "2009-09-10", tvdb: 95491, imdb: "tt1405406", tvrage: 21766,
            network: "The CW", runtime: 42, airDay: "Thursday", airTime: "8:00pm", cert: "TV-14",
            genres: ["Drama", "Fantasy", "Romance"], popularity: 2, seasons: [22, 22, 22, 23, 22, 22, 22, 16],
            overview: "A teenage girl in a Virginia town is torn between two vampire brothers."
        ),
        ShowSeed(
            "the-mandalorian", "The Mandalorian", 2019, "2019-11-12", tvdb: 361753, imdb: "tt8111088",
            network: "Disney+", runtime: 40, airDay: "Wednesday", airTime: "12:00am", cert: "TV-14",
            genres: ["Action", "Adventure", "Science Fiction"], status: "Continuing", popularity: 3, seasons: [8, 8, 8],
            overview: "A lone bounty hunter in the outer reaches of the galaxy protects a mysterious child."
        ),
        ShowSeed(
            "chernobyl", "Chernobyl", 2019, "2019-05-06", tvdb: 360893, imdb: "tt7366338",
            network: "HBO", runtime: 65, airDay: "Monday", airTime: "9:00pm", cert: "TV-MA",
            genres: ["Drama", "History"], popularity: 2, seasons: [5],
            overview: "The 1986 nuclear disaster and the people who sacrificed to contain it.",
            titles: [1: ["1:23:45", "Please Remain Calm", "Open Wide, O Earth", "The Happiness of All Mankind", "Vichnaya Pamyat"]]
        ),
        ShowSeed(
            "black-mirror", "Black Mirror", 2011, "2011-12-04", tvdb: 253463, imdb: "tt2085059",
            network: "Netflix", country: "United Kingdom", runtime: 60, airDay: "Friday", airTime: "3:00am",
            cert: "TV-MA", genres: ["Drama", "Science Fiction", "Thriller"], status: "Continuing", popularity: 3,
            seasons: [3, 3, 6, 6, 3, 5, 6], specials: 1,
            overview: "Standalone dark tales about technology and the unanticipated consequences of modern life."
        ),
        ShowSeed(
            "the-crown", "The Crown", 2016, "2016-11-04", tvdb: 305574, imdb: "tt4786824",
            network: "Netflix", country: "United Kingdom", runtime: 58, airDay: "Friday", airTime: "3:00am",
            cert: "TV-MA", genres: ["Drama", "History"], popularity: 2, seasons: [10, 10, 10, 10, 10, 10],
            overview: "The reign of Queen Elizabeth II, from her wedding to the early twenty-first century."
        ),
        ShowSeed(
            "succession", "Succession", 2018, "2018-06-03", tvdb: 338186, imdb: "tt7660850",
            network: "HBO", runtime: 60, airDay: "Sunday", airTime: "9:00pm", cert: "TV-MA",
            genres: ["Comedy", "Drama"], popularity: 3, seasons: [10, 10, 9, 10],
            overview: "The children of an ageing media mogul jostle to take control of the family empire."
        ),
        ShowSeed(
            "the-last-of-us", "The Last of Us", 2023, "2023-01-15", tvdb: 392256, imdb: "tt3581920",
            network: "HBO", runtime: 55, airDay: "Sunday", airTime: "9:00pm", cert: "TV-MA",
            genres: ["Action", "Adventure", "Drama"], status: "Continuing", popularity: 5, seasons: [9, 7],
            overview: "A smuggler escorts a teenage girl across a post-pandemic America."
        ),
        ShowSeed(
            "the-boys", "The Boys", 2019, "2019-07-26", tvdb: 355567, imdb: "tt1190634",
            network: "Prime Video", runtime: 60, airDay: "Friday", airTime: "3:00am", cert: "TV-MA",
            genres: ["Action", "Comedy", "Crime"], status: "Continuing", popularity: 4, seasons: [8, 8, 8, 8],
            overview: "Vigilantes set out to take down corrupt superheroes who abuse their powers."
        ),
        ShowSeed(
            "rick-and-morty", "Rick and Morty", 2013, "2013-12-02", tvdb: 275274, imdb: "tt2861424",
            network: "Adult Swim", runtime: 22, airDay: "Sunday", airTime: "11:00pm", cert: "TV-14",
            genres: ["Animation", "Comedy", "Science Fiction"], status: "Continuing", popularity: 4,
            seasons: [11, 10, 10, 10, 10, 10, 10],
            overview: "A cynical mad scientist drags his anxious grandson on dangerous interdimensional adventures."
        ),
    ]
}
