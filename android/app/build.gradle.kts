// The app module: the Kotlin shell in src/main/kotlin, plus what
// ../build-rust.sh produces from the Rust workspace, never committed:
// libwatchword_ffi.so per ABI (cargo-ndk) and the UniFFI Kotlin bindings.
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

val generatedKotlin = layout.buildDirectory.dir("generated/watchword/kotlin")
val generatedJniLibs = layout.buildDirectory.dir("generated/watchword/jniLibs")
val repoRoot = rootProject.projectDir.parentFile

android {
    namespace = "app.watchword.shell"
    compileSdk = 35

    defaultConfig {
        applicationId = "app.watchword"
        minSdk = 28
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }

    buildTypes {
        release {
            // JNA and the UniFFI bindings find classes and methods by name;
            // shrinking would need keep rules for both.
            isMinifyEnabled = false
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    sourceSets["main"].apply {
        java.srcDir("src/main/kotlin")
        java.srcDir(generatedKotlin)
        jniLibs.srcDir(generatedJniLibs)
    }
}

kotlin {
    jvmToolchain(17)
    compilerOptions { allWarningsAsErrors.set(true) }
}

dependencies {
    // JNA for Android: the classes plus libjnidispatch.so per ABI.
    implementation("net.java.dev.jna:jna:5.17.0@aar")
    // Dispatchers.Main for the screens' coroutines.
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.10.2")
}

// cargo-ndk builds the core for every ABI and uniffi-bindgen writes the
// Kotlin bindings from the built library; see ../build-rust.sh.
val buildRust by tasks.registering(Exec::class) {
    description = "Builds libwatchword_ffi.so per ABI and generates the Kotlin bindings."
    group = "build"
    workingDir = repoRoot
    commandLine(
        rootProject.file("build-rust.sh").path,
        generatedJniLibs.get().asFile.path,
        generatedKotlin.get().asFile.path,
    )
    inputs.files(fileTree(repoRoot) { include("Cargo.toml", "Cargo.lock", "uniffi.toml", "core/**", "bindings/**") ; exclude("**/target/**") })
    inputs.property("abis", providers.environmentVariable("WATCHWORD_ABIS").orElse("default"))
    outputs.dir(generatedKotlin)
    outputs.dir(generatedJniLibs)
}

tasks.named("preBuild") { dependsOn(buildRust) }
