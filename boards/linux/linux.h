/*
 * boards/linux/linux.h - what the files of the linux board share.
 */
#ifndef BOARDS_LINUX_LINUX_H
#define BOARDS_LINUX_LINUX_H

/* The console's receive "interrupt": move waiting input into the
 * console's ring (board.c).  Interrupt context. */
void linux_uart_poll(void);

#endif /* BOARDS_LINUX_LINUX_H */
