package app.watchword.shell

import android.content.Context
import android.text.InputType
import android.util.TypedValue
import android.view.View
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

    /** A button that runs [onClick]. */
    fun button(context: Context, label: String, onClick: () -> Unit): Button = Button(context).apply {
        text = label
        setOnClickListener { onClick() }
    }

    /** A one-line input with a [hint]; [inputType] from [InputType]. */
    fun field(context: Context, hint: String, inputType: Int = InputType.TYPE_CLASS_TEXT): EditText = EditText(context).apply {
        this.hint = hint
        this.inputType = inputType
        isSingleLine = true
    }

    /** Wraps [content] so a long screen scrolls. */
    fun scroll(content: View): ScrollView = ScrollView(content.context).apply { addView(content) }

    /** Density-independent pixels to pixels. */
    fun dp(context: Context, value: Int): Int =
        TypedValue.applyDimension(TypedValue.COMPLEX_UNIT_DIP, value.toFloat(), context.resources.displayMetrics).toInt()
}
