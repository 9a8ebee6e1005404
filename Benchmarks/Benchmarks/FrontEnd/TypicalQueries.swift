// The five typical queries and the pinned session both front-end benchmarks time: the
// package-benchmark target (FrontEnd.swift) and the standalone loop (../../frontend/main.swift,
// compiled together with this file by frontend/run.sh).
import Foundation
#if !FRONTEND_STANDALONE  // run.sh compiles this file into the TraktQL module itself
import TraktQL
#endif

let typicalQueries = [
    "activity show:the-walking-dead season:1,2 actions:seen,rating since:7d | where user.username != \"justin\" | select time, user.username as who, action, sxe, rating_advanced | sort time desc | limit 20",
    "activity user:justin,sean since:7d",
    "activity since:30d | count by show.title | sort count desc | limit 10",
    "activity movie:the-social-network-2010 action:seen | select time, who, title",
    "activity | where action == \"seen\" and show.title ~ \"Dead\" | select time, who, sxe",
]

let context = SessionContext(timeZone: TimeZone(identifier: "UTC")!, convention: .pacific,
                             now: Date(timeIntervalSince1970: 1_717_243_200))
