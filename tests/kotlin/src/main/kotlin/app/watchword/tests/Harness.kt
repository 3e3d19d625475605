// A minimal test runner: each test is a suspend block; a failure is any
// exception. Prints one line per test and, last, "N passed, N failed".
package app.watchword.tests

import kotlinx.coroutines.runBlocking
import kotlin.system.exitProcess

object Harness {
    private var passed = 0
    private var failed = 0

    fun test(name: String, body: suspend () -> Unit) {
        try {
            runBlocking { body() }
            passed++
            println("ok   $name")
        } catch (e: Throwable) {
            failed++
            println("FAIL $name: ${e::class.simpleName}: ${e.message}")
        }
    }

    /** A test that cannot run here (outside CI only), with the reason. */
    fun skip(name: String, reason: String) {
        println("skip $name: $reason")
    }

    fun finish(): Nothing {
        println("$passed passed, $failed failed")
        exitProcess(if (failed == 0 && passed > 0) 0 else 1)
    }
}

fun check(condition: Boolean, message: () -> String) {
    if (!condition) throw AssertionError(message())
}

fun <T> assertEq(expected: T, actual: T, what: String = "value") {
    if (expected != actual) throw AssertionError("$what: expected <$expected>, got <$actual>")
}

inline fun <reified E : Throwable> assertThrows(block: () -> Unit): E {
    try {
        block()
    } catch (e: Throwable) {
        if (e is E) return e
        throw AssertionError("expected ${E::class.simpleName}, got ${e::class.simpleName}: ${e.message}")
    }
    throw AssertionError("expected ${E::class.simpleName}, nothing was thrown")
}
