/*
 * boards/pc/uart16550.c - the console on a 16550 UART (COM1, IRQ 4).
 * Implements the UART part of kernel/board.h.
 *
 * Registers (port offsets, NS16550A data sheet): +0 RBR/THR (DLL when
 * LCR.DLAB), +1 IER (DLM when DLAB), +2 IIR/FCR, +3 LCR, +4 MCR, +5 LSR.
 * Set up for 115200 8N1 (divisor 1 of the 1.8432 MHz clock / 16) with
 * only the received-data interrupt enabled.  MCR.OUT2 gates the UART's
 * interrupt onto the ISA line on PC hardware, so it must be set.
 *
 * The FIFOs are left as the firmware left them, because switching them
 * on or off (FCR bit 0) empties the receiver: input that arrived before
 * the console was up - a line piped into QEMU, keys typed during boot -
 * would be lost, and there is no instant at which the switch is safe
 * (reading the waiting byte first lets the sender deliver the next one,
 * which the switch then drops).  SeaBIOS leaves them off: the UART holds
 * one byte, QEMU holds back the rest until it is read, and each byte is
 * one interrupt.  A firmware that turned them on (GRUB's serial console)
 * gets its trigger level set to 8 bytes, without a flush.
 *
 * The line is edge-triggered at the 8259: the handler drains the UART
 * until LSR says it is empty, which drops the line, so the next byte
 * makes a fresh edge.  init drains it once too, after arming: a byte
 * already waiting may have raised the line before anyone listened, and
 * no new edge would come while it stays up.
 */
#include "arch/arch.h"
#include "arch/x86/x86.h"
#include "kernel/board.h"
#include "kernel/console.h"

#define COM1     0x3F8
#define COM1_IRQ 4

#define RBR (COM1 + 0)
#define THR (COM1 + 0)
#define DLL (COM1 + 0)
#define IER (COM1 + 1)
#define DLM (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)

#define IER_RX         0x01
#define IIR_FIFO_ON    0xC0
#define FCR_ENABLE     0x01
#define FCR_TRIGGER_8  0x80
#define LCR_8N1        0x03
#define LCR_DLAB       0x80
#define MCR_DTR        0x01
#define MCR_RTS        0x02
#define MCR_OUT2       0x08
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20

#define BAUD_DIVISOR 1 /* 115200 */

void irq4_handler(void);

void board_uart_init(void)
{
    outb(IER, 0);
    outb(LCR, LCR_DLAB);
    outb(DLL, BAUD_DIVISOR & 0xFF);
    outb(DLM, BAUD_DIVISOR >> 8);
    outb(LCR, LCR_8N1);
    if ((inb(IIR) & IIR_FIFO_ON) == IIR_FIFO_ON)
        outb(FCR, FCR_ENABLE | FCR_TRIGGER_8); /* no flush bits */
    outb(MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
    (void)inb(MSR);
    outb(IER, IER_RX);
    arch_irq_line_enable(COM1_IRQ);
    if (board_uart_rx_ready())
        console_rx_isr();
}

bool board_uart_tx_ready(void)
{
    return (inb(LSR) & LSR_THR_EMPTY) != 0;
}

void board_uart_tx_put(uint8_t c)
{
    outb(THR, c);
}

bool board_uart_rx_ready(void)
{
    return (inb(LSR) & LSR_DATA_READY) != 0;
}

uint8_t board_uart_rx_get(void)
{
    return inb(RBR);
}

void irq4_handler(void)
{
    console_rx_isr();
}
