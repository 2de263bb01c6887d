/*
 * examples/hello/main.c - the image `make run` boots.
 *
 * The runtime has printed its banner and the segment map before main()
 * runs.  This program shows the tick and the console: it prints the time
 * once a second for three seconds, then echoes what is typed (line at a
 * time) until a line "exit" or Ctrl-D.  The serial shell (console issue)
 * replaces it.
 */
#include "tern.h"

int main(void)
{
    char line[64];
    size_t n = 0;

    for (int i = 1; i <= 3; i++) {
        tern_delay_ns(1000000000);
        tern_printf("uptime %d s, %lu ticks\n", i, (unsigned long)tern_ticks());
    }
    tern_printf("type a line (\"exit\" or Ctrl-D to quit)\n> ");
    for (;;) {
        int c = tern_getc(-1);

        if (c == 4) /* Ctrl-D */
            break;
        if (c == '\r' || c == '\n') {
            line[n] = '\0';
            tern_printf("\nyou typed: %s\n", line);
            if (n == 4 && line[0] == 'e' && line[1] == 'x' && line[2] == 'i' &&
                line[3] == 't')
                break;
            n = 0;
            tern_printf("> ");
        } else if ((c == 8 || c == 127) && n > 0) {
            n--;
            tern_write("\b \b", 3);
        } else if (c >= ' ' && c < 127 && n + 1 < sizeof line) {
            line[n++] = (char)c;
            tern_write(&line[n - 1], 1);
        }
    }
    tern_printf("\nbye\n");
    return 0;
}
