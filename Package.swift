// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "kefu",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kefu", targets: ["kefu"])
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf", from: "4.5.2"),
        /// Named for the executable alone: it installs NIO's event loops as the concurrency executor.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        /// The regulation's rules: pure Swift, no Vapor, no I/O, no clock reads.
        .target(name: "KefuDomain"),
        /// The Vapor application: one folder per part of the department's work, plus Platform/.
        .target(
            name: "KefuServer",
            dependencies: [
                "KefuDomain",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
            ],
        ),
        .executableTarget(
            name: "kefu",
            dependencies: [
                "KefuServer",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "KefuDomainTests", dependencies: ["KefuDomain"]),
        /// What the server suites share: `withApp`, a user per role, a simulated browser.
        .target(
            name: "KefuTesting",
            dependencies: [
                "KefuServer",
                "KefuDomain",
                .product(name: "VaporTesting", package: "vapor"),
            ],
            path: "Tests/KefuTesting"
        ),
        .testTarget(
            name: "KefuServerTests",
            dependencies: [
                "KefuServer",
                "KefuTesting",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
        /// Runs when KEFU_TEST_POSTGRES_URL names a PostgreSQL server (CI sets it).
        .testTarget(
            name: "KefuPostgresTests",
            dependencies: [
                "KefuServer",
                "KefuTesting",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
