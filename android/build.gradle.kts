// Plugin versions for the whole build; the app module applies them.
// Kotlin matches tests/kotlin/pom.xml and android/ci/pom.xml (2.2.21).
plugins {
    id("com.android.application") version "8.7.3" apply false
    id("org.jetbrains.kotlin.android") version "2.2.21" apply false
}
