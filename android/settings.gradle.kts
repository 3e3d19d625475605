// The Android shell of Watchword: one app module. Build with Android Studio
// or Gradle on a machine with the Android SDK, the NDK and cargo-ndk (README.md).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "watchword-android"
include(":app")
