package app.watchword.shell

import android.content.Context
import android.graphics.Color
import android.text.InputType
import android.util.TypedValue
import android.view.View
import android.view.accessibility.AccessibilityNodeInfo
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView

/**
 * Small builders for screens made in code: framework views only, no XML
 * layouts, so `kotlinc` alone compiles the shell (AppCompat or Compose
 * would be the usual AndroidX choice). The texts they show come from the
 * string resources (`getString(R.string.x)`), never from literals here.
 */
object Ui {
    /** A vertical column with the screen's padding. */
    fun column(context: Context, padded: Boolean = true): LinearLayout = LinearLayout(context).apply {
        orientation = LinearLayout.VERTICAL
        if (padded) dp(context, 16).let { setPadding(it, it, it, it) }
    }

    /** A horizontal row. */
    fun row(context: Context): LinearLayout = LinearLayout(context).apply { orientation = LinearLayout.HORIZONTAL }

    /** A label of [sizeSp]. */
    fun text(context: Context, value: CharSequence = "", sizeSp: Float = 16f): TextView = TextView(context).apply {
        text = value
        setTextSize(TypedValue.COMPLEX_UNIT_SP, sizeSp)
        setPadding(0, dp(context, 4), 0, dp(context, 4))
    }

    /**
     * A button that runs [onClick]; at least 48 x 48 dp (the accessibility
     * guideline's touch target), its label read by TalkBack.
     */
    fun button(context: Context, label: String, onClick: () -> Unit): Button = Button(context).apply {
        text = label
        minimumHeight = dp(context, MIN_TOUCH_DP)
        minHeight = dp(context, MIN_TOUCH_DP)
        minimumWidth = dp(context, MIN_TOUCH_DP)
        minWidth = dp(context, MIN_TOUCH_DP)
        setOnClickListener { onClick() }
    }

    /**
     * A one-line input with a [hint]; [inputType] from [InputType]. The
     * hint is also its accessibility label (TalkBack reads it once text is
     * typed, when the hint itself is no longer shown).
     */
    fun field(context: Context, hint: String, inputType: Int = InputType.TYPE_CLASS_TEXT): EditText = EditText(context).apply {
        this.hint = hint
        this.inputType = inputType
        isSingleLine = true
        minimumHeight = dp(context, MIN_TOUCH_DP)
        minHeight = dp(context, MIN_TOUCH_DP)
        setAccessibilityDelegate(LabelledBy(hint))
    }

    /** Text that changes while the screen is open (a countdown, an outcome), announced politely. */
    fun announced(view: TextView): TextView = view.apply { accessibilityLiveRegion = View.ACCESSIBILITY_LIVE_REGION_POLITE }

    /** The theme's window background colour (for the app lock's cover). */
    fun backgroundColor(context: Context): Int {
        val value = TypedValue()
        return if (context.theme.resolveAttribute(android.R.attr.colorBackground, value, true)) value.data else Color.WHITE
    }

    /** The smallest touch target the accessibility guidelines allow. */
    const val MIN_TOUCH_DP = 48

    /** Gives an input field its label, for screen readers, beyond its hint. */
    private class LabelledBy(private val label: String) : View.AccessibilityDelegate() {
        override fun onInitializeAccessibilityNodeInfo(host: View, info: AccessibilityNodeInfo) {
            super.onInitializeAccessibilityNodeInfo(host, info)
            info.hintText = label
        }
    }

    /** Wraps [content] so a long screen scrolls. */
    fun scroll(content: View): ScrollView = ScrollView(content.context).apply { addView(content) }

    /** Density-independent pixels to pixels. */
    fun dp(context: Context, value: Int): Int =
        TypedValue.applyDimension(TypedValue.COMPLEX_UNIT_DIP, value.toFloat(), context.resources.displayMetrics).toInt()
}
