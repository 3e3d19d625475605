// Changing phones from Kotlin: another app's export previewed and imported
// from bytes (as the Storage Access Framework hands them over), a verified
// backup written and restored into a new vault, exports with the gate.
package app.watchword.tests

import app.watchword.core.*
import java.io.File
import java.nio.file.Files

private const val DENO = "otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno"
private const val WWE = "otpauth://hotp/WWE:Mason?secret=5VAML3X35THCEBVRLV24CGBKOY&algorithm=SHA512&digits=8&counter=10300"

fun changingPhonesTests() {
    Harness.test("import: an encrypted Aegis export is previewed, then imported all at once") {
        val dir = corpus("kotlin import: shared/testdata/aegis/importers") ?: return@test
        val bytes = File(dir, "testdata/aegis/importers/aegis_encrypted.json").readBytes()
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            v.addLink(DENO, false)
            assertThrows<ApiException.PasswordNeeded> { v.previewImport(bytes, null) }
            val wrong = assertThrows<ApiException.WrongPassword> { v.previewImport(bytes, "nope") }
            check(!(wrong.message ?: "").contains("nope")) { "password in message" }
            val preview = v.previewImport(bytes, "test")
            assertEq(ImportFormat.AEGIS, preview.format, "format")
            assertEq(7, preview.accounts.size, "accounts in the file")
            assertEq(1, preview.accounts.count { it.duplicateOf != null }, "duplicates")
            assertEq(1, v.list(null).size, "a preview stores nothing")
            val steps = java.util.concurrent.CopyOnWriteArrayList<Pair<UInt, UInt>>()
            val report = v.importFileWithProgress(bytes, "test", OnDuplicate.SKIP, object : ImportProgress {
                override fun stored(done: UInt, total: UInt) {
                    steps += done to total
                    if (done == 3u) throw IllegalStateException("a broken progress bar must not break the import")
                }
            })
            assertEq((1u..6u).map { it to 6u }, steps.toList(), "progress after each stored account")
            assertEq(6, report.added.size, "added")
            assertEq(1, report.skipped.size, "skipped duplicates")
            assertEq(7, v.list(null).size, "vault after import")
        }
    }

    Harness.test("import: garbage bytes are a typed error and change nothing") {
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            val e = assertThrows<ApiException.Unsupported> { v.previewImport("hello".toByteArray(), null) }
            check((e.message ?: "").contains("2FAS")) { "lists what is supported: ${e.message}" }
            assertThrows<ApiException.DamagedFile> {
                v.importFile("$DENO\notpauth://totp/x?secret=!!".toByteArray(), null, OnDuplicate.SKIP)
            }
            assertEq(0, v.list(null).size, "all or nothing")
        }
    }

    Harness.test("backup: written verified, shown as the last backup, restored into a new phone exactly") {
        val folder = Files.createTempDirectory("ww-backups").toString()
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { old ->
            old.addLink(DENO, false)
            val wwe = old.addLink(WWE, false)
            old.update(wwe.id, AccountChanges(group = "Work", notes = "desk drawer"))
            old.setClockOffsetMs(-1500)
            assertEq(null, old.lastBackup(), "no backup yet")
            assertThrows<ApiException.InvalidInput> { old.backupNow(folder, "short", 3u) }
            val out = old.backupNow(folder, "a long backup password", 3u)
            assertEq(2u, out.accounts, "accounts backed up")
            val last = old.lastBackup() ?: error("a last backup")
            assertEq(2u, last.accounts, "last backup accounts")
            assertEq(null, last.error, "last backup error")
            // Automatic backups: one after a change, none when nothing changed.
            val auto = Files.createTempDirectory("ww-auto").toString()
            old.setAutoBackup(auto, "a long backup password", 2u)
            check(old.backupIfChanged() != null) { "the first automatic backup" }
            assertEq(null, old.backupIfChanged(), "nothing changed")
            old.update(wwe.id, AccountChanges(notes = "moved"))
            check(old.backupIfChanged() != null) { "a change writes one" }
            assertEq(2, File(auto).list()!!.size, "two automatic backups")
            old.disableAutoBackup()
            old.update(wwe.id, AccountChanges(notes = "desk drawer"))
            val bytes = File(out.path).readBytes()
            check(!String(bytes).contains("4SJHB4GSD43FZBAI7C2HLRJGPQ")) { "secret in the backup" }
            Vault.create(tempVaultPath(), AesKeyProvider(KEK_B)).use { new ->
                assertThrows<ApiException.WrongPassword> { new.restoreBackup(bytes, "not it at all", OnDuplicate.SKIP) }
                assertEq(0, new.list(null).size, "a wrong password restores nothing")
                val r = new.restoreBackup(bytes, "a long backup password", OnDuplicate.SKIP)
                assertEq(2, r.`import`.added.size, "restored")
                check(r.clockOffsetRestored) { "clock offset restored" }
                fun view(v: Vault) = v.list(null).map { it.copy(id = 0, createdAt = 0, updatedAt = 0, sortOrder = 0) }
                assertEq(view(old), view(new), "every field, in order")
                assertEq(-1500L, new.clockOffsetMs(), "clock offset")
            }
        }
    }

    Harness.test("export: plaintext formats need the biometric check, encrypted ones a password") {
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            v.addLink(DENO, false)
            v.setPresenceRequired(true)
            val gate = Gate(false)
            v.setBiometricGate(gate)
            assertThrows<ApiException.Cancelled> { v.export(ExportFormat.OTPAUTH, null) }
            gate.answer = true
            val plain = v.export(ExportFormat.OTPAUTH, null)
            check(String(plain.bytes).startsWith("otpauth://totp/Deno:Mason")) { "the link list" }
            assertThrows<ApiException.PasswordNeeded> { v.export(ExportFormat.AEGIS, null) }
            val aegis = v.export(ExportFormat.AEGIS, "an export password")
            Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { other ->
                val r = other.importFile(aegis.bytes, "an export password", OnDuplicate.SKIP)
                assertEq(ImportFormat.AEGIS, r.format, "read back as Aegis")
                assertEq(listOf("Deno (Mason)"), other.list(null).map { it.label }, "round trip")
            }
        }
    }
}
